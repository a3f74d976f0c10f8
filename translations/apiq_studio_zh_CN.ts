<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TensorStats</name>
    <message>
        <location filename="../widgets/tensor_stats_loader.cpp" line="88"/>
        <location filename="../widgets/tensor_stats_loader.cpp" line="102"/>
        <source>Q (codes)</source>
        <translation>Q（码值）</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_loader.cpp" line="104"/>
        <source>LoRA A</source>
        <translation>LoRA A</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_loader.cpp" line="104"/>
        <source>LoRA B</source>
        <translation>LoRA B</translation>
    </message>
</context>
<context>
    <name>apiq::AdapterKind</name>
    <message>
        <location filename="../widgets/core_texts.cpp" line="53"/>
        <source>LoRA: ΔW = s·B·A at rank r</source>
        <translation>LoRA：ΔW = s·B·A，秩为 r</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="54"/>
        <source>Q-BaRA: inputs averaged in pairs, outputs repeated; rank 2r on the parameters of LoRA rank r</source>
        <translation>Q-BaRA：输入两两取平均，输出重复；以秩 r 的 LoRA 的参数量达到秩 2r</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="56"/>
        <source>QA-HiRA: one matrix on inputs pooled per quantization group; merges into the 2-bit model</source>
        <translation>QA-HiRA：对按量化分组池化的输入使用一个矩阵；可合并进 2 位模型</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="58"/>
        <source>Bayesian-LoRA: s·B·diag(E)·A with learned gates choosing 2/4/8/16 bits per factor and the rank</source>
        <translation>Bayesian-LoRA：s·B·diag(E)·A，由学习得到的门控为每个因子选择 2/4/8/16 位并选择秩</translation>
    </message>
</context>
<context>
    <name>apiq::ExportFormat</name>
    <message>
        <location filename="../widgets/core_texts.cpp" line="23"/>
        <source>vLLM (2-bit pack-quantized through the Humming kernels, experimental), llm-compressor, and transformers with compressed-tensors. The LoRA adapter is written beside it.</source>
        <translation>vLLM（通过 Humming 内核支持 2 位 pack-quantized，实验性）、llm-compressor，以及带 compressed-tensors 的 transformers。LoRA 适配器写在同一文件夹中。</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="26"/>
        <source>Lossless for 2- and 4-bit integer codes, zero point 0 included. The scales and dense weights are written in the chosen dtype: f16 (default) rounds the scales, f32 keeps them exactly (+0.25 bit per weight at group 64).</source>
        <translation>对 2 位和 4 位整数码值无损，包括零点 0。缩放和稠密权重以所选数据类型写入：f16（默认）会对缩放取整，f32 则精确保留（分组 64 时每个权重多 0.25 位）。</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="30"/>
        <source>GPTQModel, and transformers + optimum through GPT-QModel; vLLM&apos;s GPTQ kernels that read checkpoint_format gptq_v2. AutoGPTQ rejects gptq_v2.</source>
        <translation>GPTQModel，以及通过 GPT-QModel 的 transformers + optimum；能读取 checkpoint_format gptq_v2 的 vLLM GPTQ 内核。AutoGPTQ 不接受 gptq_v2。</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="33"/>
        <source>Lossless for 2- and 4-bit integer codes (zero points stored as they are).</source>
        <translation>对 2 位和 4 位整数码值无损（零点按原值存储）。</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="34"/>
        <source>GPTQModel, AutoGPTQ, transformers + optimum (GPT-QModel backend), and vLLM&apos;s 2-bit GPTQ kernels (releases up to mid-2026). The LoRA adapter is written beside it.</source>
        <translation>GPTQModel、AutoGPTQ、transformers + optimum（GPT-QModel 后端），以及 vLLM 的 2 位 GPTQ 内核（2026 年年中之前的版本）。LoRA 适配器写在同一文件夹中。</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="37"/>
        <source>GPTQ v1 stores zero point − 1, so a group with zero point 0 cannot be stored; such a checkpoint is refused unless you clamp those groups (lossy).</source>
        <translation>GPTQ v1 存储的是零点 − 1，因此零点为 0 的分组无法存储；除非截断这些分组（有损），否则拒绝导出此类检查点。</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="40"/>
        <source>transformers + PEFT (PeftModel.from_pretrained), on a base holding this checkpoint&apos;s dequantized weights, such as the hf-dequantized export.</source>
        <translation>transformers + PEFT（PeftModel.from_pretrained），基础模型须含有此检查点反量化后的权重，例如 hf-dequantized 导出。</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="43"/>
        <source>Lossless: the LoRA factors are copied exactly.</source>
        <translation>无损：LoRA 因子按原样复制。</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="44"/>
        <source>Any Hugging Face tool (transformers + PEFT, vLLM, TGI, llama.cpp&apos;s converter): a standard dense checkpoint plus the adapter. No memory saving.</source>
        <translation>任何 Hugging Face 工具（transformers + PEFT、vLLM、TGI、llama.cpp 的转换器）：标准稠密检查点加适配器。不节省内存。</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="47"/>
        <source>Lossless in f32; f16 and bf16 round the dequantized weights.</source>
        <translation>f32 下无损；f16 和 bf16 会对反量化权重取整。</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="48"/>
        <source>the checkpoint has no LoRA factors (rtn)</source>
        <translation>该检查点没有 LoRA 因子（rtn）</translation>
    </message>
</context>
<context>
    <name>apiq::Method</name>
    <message>
        <location filename="../widgets/core_texts.cpp" line="12"/>
        <source>round to nearest, no adapters (baseline)</source>
        <translation>就近取整，无适配器（基线）</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="13"/>
        <source>round to nearest, LoRA initialised as in QLoRA (B = 0)</source>
        <translation>就近取整，LoRA 按 QLoRA 方式初始化（B = 0）</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="14"/>
        <source>alternating quantization and SVD initialisation of the adapters</source>
        <translation>交替量化并用 SVD 初始化适配器</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="15"/>
        <source>ApiQ layer by layer, learnable clipping and LoRA trained on activations</source>
        <translation>逐层 ApiQ，在激活上训练可学习截断与 LoRA</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="16"/>
        <source>ApiQ block by block (the paper&apos;s default)</source>
        <translation>逐块 ApiQ（论文默认）</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="17"/>
        <source>LQ-LoRA: low-rank SVD first, then quantization of the rest, iterated; adapters from the SVD</source>
        <translation>LQ-LoRA：先做低秩 SVD，再量化其余部分，迭代进行；适配器取自 SVD</translation>
    </message>
</context>
<context>
    <name>apiq::app::MainWindow</name>
    <message>
        <location filename="../app/gui/main_window.cpp" line="57"/>
        <source>ApiQ Studio</source>
        <translation>ApiQ Studio</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="63"/>
        <source>Open a model folder (config.json, safetensors, tokenizer.model) or drop it here.</source>
        <translation>打开模型文件夹（config.json、safetensors、tokenizer.model），或将其拖放到此处。</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="72"/>
        <source>Tensors</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="85"/>
        <source>Live activation error</source>
        <translation>实时激活误差</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="86"/>
        <source>Comparison</source>
        <translation>比较</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="87"/>
        <source>Zero points</source>
        <translation>零点</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="88"/>
        <source>Open a quantized checkpoint to see the bits of each linear.</source>
        <translation>打开一个量化检查点以查看每个线性层的位数。</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="89"/>
        <source>Bits per linear</source>
        <translation>每个线性层的位数</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="94"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="98"/>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="102"/>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="113"/>
        <source>&amp;Open Model Folder…</source>
        <translation>打开模型文件夹(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="116"/>
        <source>&amp;Quantize…</source>
        <translation>量化(&amp;Q)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="119"/>
        <source>&amp;Add to Comparison…</source>
        <translation>添加到比较(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="124"/>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="127"/>
        <source>&amp;Finetune…</source>
        <translation>微调(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="130"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="133"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="135"/>
        <source>Recent Models</source>
        <translation>最近的模型</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="142"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="146"/>
        <source>&amp;Dark Palette</source>
        <translation>深色配色(&amp;D)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="149"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="152"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="161"/>
        <source>The language changes when ApiQ Studio is started again.</source>
        <translation>语言将在下次启动 ApiQ Studio 时生效。</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="164"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="247"/>
        <source>Could not add the run to the comparison</source>
        <translation>无法将该运行添加到对比中</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="325"/>
        <source>%1 is not a quantized checkpoint: every linear is stored dense.</source>
        <translation>%1 不是量化检查点：每个线性层均以稠密形式存储。</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="379"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="384"/>
        <source>Calibration failed</source>
        <translation>校准失败</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="215"/>
        <source>Open Model Folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="281"/>
        <source>Could not compare the runs</source>
        <translation>无法比较这些运行</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="293"/>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="315"/>
        <source>Could not open the model</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="328"/>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2, %3 blocks, hidden %4, %5 heads (%6 key/value), vocabulary %7 — %8 tensors, %9 parameters, %10</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2，%3 个块，隐藏维度 %4，%5 个注意力头（%6 个键/值头），词表 %7 — %8 个张量，%9 个参数，%10</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="345"/>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="346"/>
        <source>ApiQ Studio — %1</source>
        <translation>ApiQ Studio — %1</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ActivationErrorChart</name>
    <message>
        <location filename="../widgets/activation_error_chart.cpp" line="22"/>
        <source>Layer (block × 7 + linear)</source>
        <translation>层（块 × 7 + 线性层）</translation>
    </message>
    <message>
        <location filename="../widgets/activation_error_chart.cpp" line="23"/>
        <source>Activation error per token</source>
        <translation>每个词元的激活误差</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::CalibrationJob</name>
    <message>
        <location filename="../widgets/calibration_job.cpp" line="33"/>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../widgets/calibration_job.cpp" line="34"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ComparisonChart</name>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="38"/>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="39"/>
        <source>Activation error per block</source>
        <translation>每个块的激活误差</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="40"/>
        <source>Block output MSE per block</source>
        <translation>每个块的块输出 MSE</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="41"/>
        <source>Activation error per linear</source>
        <translation>每个线性层的激活误差</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="42"/>
        <source>All linears</source>
        <translation>所有线性层</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="46"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="49"/>
        <source>Chart as PNG…</source>
        <translation>图表导出为 PNG…</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="50"/>
        <source>Chart as SVG…</source>
        <translation>图表导出为 SVG…</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="51"/>
        <source>Data as CSV…</source>
        <translation>数据导出为 CSV…</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="55"/>
        <source>Linear:</source>
        <translation>线性层：</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="155"/>
        <source>Block (its seven linears q … down in order)</source>
        <translation>块（依次为其七个线性层 q … down）</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="156"/>
        <source>Block</source>
        <translation>块</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="157"/>
        <source>Block output MSE</source>
        <translation>块输出 MSE</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="157"/>
        <source>Activation error per token</source>
        <translation>每个词元的激活误差</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="179"/>
        <source>block %1 %2</source>
        <translation>块 %1 %2</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="181"/>
        <source>block %1</source>
        <translation>块 %1</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="247"/>
        <location filename="../widgets/comparison_chart.cpp" line="253"/>
        <source>Export Chart</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="253"/>
        <source>Could not write %1</source>
        <translation>无法写入 %1</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ComparisonSummaryModel</name>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="77"/>
        <source>full precision</source>
        <translation>全精度</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="78"/>
        <source>reference</source>
        <translation>参照</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="109"/>
        <source>%1 MB of tensors needed to run the model; %2 MB more of learned clipping kept only to resume a calibration</source>
        <translation>运行模型所需张量 %1 MB；另有 %2 MB 学习到的截断参数，仅用于恢复校准</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="114"/>
        <source>Stored bits per weight of the quantized linears: codes, scales, zero points and LoRA factors</source>
        <translation>量化线性层每个权重的存储位数：码值、缩放、零点和 LoRA 因子</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="116"/>
        <source>Not computed yet: choose a text and press Compute perplexity</source>
        <translation>尚未计算：请选择文本并点击“计算困惑度”</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="118"/>
        <source>Merged: the adapter was folded into the group zero points, so nothing is stored beside the model</source>
        <translation>已合并：适配器已折叠进分组零点，因此模型之外不再存储任何内容</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="120"/>
        <source>Bytes of the stored adapter tensors (0 once merged)</source>
        <translation>所存储适配器张量的字节数（合并后为 0）</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="122"/>
        <source>Held-out perplexity the finetune measured on its own held-out data: %1 before training, %2 after</source>
        <translation>微调在其自身留出数据上测得的困惑度：训练前 %1，训练后 %2</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="133"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="133"/>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="133"/>
        <source>Bits</source>
        <translation>位数</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="133"/>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="134"/>
        <source>Rank</source>
        <translation>秩</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="134"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="134"/>
        <source>Size (MB)</source>
        <translation>大小 (MB)</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="134"/>
        <source>Bits/param</source>
        <translation>位/参数</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="135"/>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="135"/>
        <source>Act. error</source>
        <translation>激活误差</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="135"/>
        <source>Block MSE</source>
        <translation>块 MSE</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="135"/>
        <source>Time (s)</source>
        <translation>时间 (秒)</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="136"/>
        <source>Peak memory (MiB)</source>
        <translation>峰值内存 (MiB)</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="136"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="136"/>
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="136"/>
        <source>Adapter parameters</source>
        <translation>适配器参数</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="137"/>
        <source>Adapter (KiB)</source>
        <translation>适配器（KiB）</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="137"/>
        <source>Adapter rank</source>
        <translation>适配器秩</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="137"/>
        <source>Finetuned perplexity</source>
        <translation>微调后困惑度</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="149"/>
        <source>Lower is better; the best run is highlighted (the full-precision row is not ranked)</source>
        <translation>越低越好；最佳运行已高亮（全精度行不参与排名）</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::DeviceStatusLabel</name>
    <message>
        <location filename="../widgets/device_status_label.cpp" line="30"/>
        <source>Reading devices…</source>
        <translation>正在读取设备…</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/device_status_label.cpp" line="43"/>
        <source>Free memory, refreshed every %n second(s)</source>
        <translation>
            <numerusform>可用内存，每 %n 秒刷新一次</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/device_status_label.cpp" line="50"/>
        <source>Device: unknown (%1)</source>
        <translation>设备：未知（%1）</translation>
    </message>
    <message>
        <location filename="../widgets/device_status_label.cpp" line="53"/>
        <source>CPU only — %1 of %2 GiB RAM free</source>
        <translation>仅 CPU — 内存 %2 GiB 中 %1 GiB 可用</translation>
    </message>
    <message>
        <location filename="../widgets/device_status_label.cpp" line="56"/>
        <source>GPU %1 %2: %3 of %4 GiB free</source>
        <translation>GPU %1 %2：%4 GiB 中 %3 GiB 可用</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ErrorHeatMap</name>
    <message>
        <location filename="../widgets/live_charts.cpp" line="59"/>
        <source>Linear (q, k, v, o, gate, up, down)</source>
        <translation>线性层（q、k、v、o、gate、up、down）</translation>
    </message>
    <message>
        <location filename="../widgets/live_charts.cpp" line="60"/>
        <source>Block</source>
        <translation>块</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ExportDialog</name>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="57"/>
        <source>Clamp zero points GPTQ v1 cannot store (--force; lossy)</source>
        <translation>截断 GPTQ v1 无法存储的零点（--force；有损）</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="60"/>
        <source>Export Quantized Model</source>
        <translation>导出量化模型</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="66"/>
        <location filename="../widgets/export_dialog.cpp" line="99"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="68"/>
        <source>Quantized checkpoint:</source>
        <translation>量化检查点：</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="72"/>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="76"/>
        <source>About this format</source>
        <translation>关于此格式</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="78"/>
        <source>Loaded by:</source>
        <translation>可加载的工具：</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="78"/>
        <source>Loss:</source>
        <translation>损失：</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="92"/>
        <source>f16</source>
        <translation>f16</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="93"/>
        <source>bf16</source>
        <translation>bf16</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="94"/>
        <source>f32 (lossless)</source>
        <translation>f32（无损）</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="95"/>
        <source>Dense weights:</source>
        <translation>稠密权重：</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="101"/>
        <source>Output folder (new):</source>
        <translation>输出文件夹（新建）：</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="117"/>
        <source>What the exporter reports appears here.</source>
        <translation>导出器的报告将显示在这里。</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="120"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="107"/>
        <source>Cancel export</source>
        <translation>取消导出</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="158"/>
        <source>%1, %2-bit %3 codes, group size %4, LoRA rank %5</source>
        <translation>%1，%2 位 %3 码值，分组大小 %4，LoRA 秩 %5</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="164"/>
        <source>Cannot export: %1</source>
        <translation>无法导出：%1</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="154"/>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="182"/>
        <source>Quantized Checkpoint</source>
        <translation>量化检查点</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="187"/>
        <source>Folder to Export Into</source>
        <translation>导出到的文件夹</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="221"/>
        <source>&lt;b&gt;This checkpoint:&lt;/b&gt; no group has zero point 0, so the export is lossless.</source>
        <translation>&lt;b&gt;此检查点：&lt;/b&gt;没有零点为 0 的分组，因此导出无损。</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="222"/>
        <source>&lt;b&gt;This checkpoint: %1 of %2 groups&lt;/b&gt; have zero point 0; %3 groups in all have a zero point GPTQ v1 cannot store. The clamp option (--force) exports them anyway, changing those %3 groups; gptq-v2 and compressed-tensors keep them exactly.</source>
        <translation>&lt;b&gt;此检查点：%2 个分组中有 %1 个&lt;/b&gt;零点为 0；共有 %3 个分组的零点 GPTQ v1 无法存储。截断选项（--force）仍会导出，但会改变这 %3 个分组；gptq-v2 和 compressed-tensors 会精确保留它们。</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="229"/>
        <source>Not available for this checkpoint: %1</source>
        <translation>此检查点不可用：%1</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="239"/>
        <source>An export is already running.</source>
        <translation>已有导出正在进行。</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="240"/>
        <source>Choose the quantized checkpoint to export.</source>
        <translation>请选择要导出的量化检查点。</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="241"/>
        <source>Choose the output folder.</source>
        <translation>请选择输出文件夹。</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="242"/>
        <source>%1 already exists; exports never overwrite.</source>
        <translation>%1 已存在；导出从不覆盖。</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="252"/>
        <source>Exporting %1 as %2 to %3…</source>
        <translation>正在将 %1 以 %2 格式导出到 %3…</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="273"/>
        <source>Cancelling after the current block…</source>
        <translation>将在当前块完成后取消…</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="288"/>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="289"/>
        <source>Export cancelled; nothing was written.</source>
        <translation>导出已取消；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="290"/>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::FinetuneDialog</name>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="62"/>
        <source>Resume a cancelled run (its OUT.partial)</source>
        <translation>继续已取消的运行（其 OUT.partial）</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="65"/>
        <source>Finetune Quantized Model</source>
        <translation>微调量化模型</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="78"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="90"/>
        <source>Start finetuning</source>
        <translation>开始微调</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="41"/>
        <source>Model and data</source>
        <translation>模型与数据</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="43"/>
        <location filename="../widgets/finetune_dialog_form.cpp" line="44"/>
        <location filename="../widgets/finetune_dialog_form.cpp" line="45"/>
        <location filename="../widgets/finetune_dialog_form.cpp" line="46"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="47"/>
        <source>Quantized checkpoint:</source>
        <translation>量化检查点：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="50"/>
        <source>Training data:</source>
        <translation>训练数据：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="51"/>
        <source>Plain text</source>
        <translation>纯文本</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="52"/>
        <source>GSM8K questions and answers (jsonl)</source>
        <translation>GSM8K 问答（jsonl）</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="53"/>
        <source>Chat conversations (jsonl)</source>
        <translation>聊天对话（jsonl）</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="54"/>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="55"/>
        <source>Optional: else the end of the training data is held out</source>
        <translation>可选：否则留出训练数据的末尾部分</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="56"/>
        <source>Held-out data:</source>
        <translation>留出数据：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="57"/>
        <source>Output folder (new):</source>
        <translation>输出文件夹（新建）：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="59"/>
        <source>Continues where a cancelled finetune into the same folder stopped; it needs the same settings.</source>
        <translation>从写入同一文件夹、已取消的微调停止之处继续；需要相同的设置。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="62"/>
        <source>Quantized Checkpoint</source>
        <translation>量化检查点</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="66"/>
        <source>Training Data</source>
        <translation>训练数据</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="70"/>
        <source>Held-out Data</source>
        <translation>留出数据</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="75"/>
        <source>Folder to Write Into</source>
        <translation>写入的文件夹</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="87"/>
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="94"/>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="98"/>
        <source>LoRA-equivalent rank r; 0 keeps the checkpoint&apos;s.</source>
        <translation>等效 LoRA 秩 r；0 表示沿用检查点的秩。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="99"/>
        <source>Rank:</source>
        <translation>秩：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="102"/>
        <source>Scaling α / r of the adapter&apos;s update.</source>
        <translation>适配器更新的缩放 α / r。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="103"/>
        <source>Alpha:</source>
        <translation>Alpha：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="105"/>
        <source>Outputs sharing one row of the QA-HiRA matrix; its input pool is the quantization group, so the adapter merges into the model.</source>
        <translation>共享 QA-HiRA 矩阵一行的输出数；其输入池化为量化分组，因此适配器可合并进模型。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="107"/>
        <source>QA-HiRA output pool:</source>
        <translation>QA-HiRA 输出池化：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="108"/>
        <source>Fit to the checkpoint&apos;s adapter</source>
        <translation>拟合检查点的适配器</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="109"/>
        <source>Zero (a fresh adapter)</source>
        <translation>零（全新适配器）</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="110"/>
        <source>Start from:</source>
        <translation>初始化：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="115"/>
        <source>Weight of the expected number of open gates in the loss: more pushes to fewer bits and a lower rank.</source>
        <translation>损失中开启门控期望数量的权重：越大越倾向于更少的位数和更低的秩。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="116"/>
        <source>Bayesian-LoRA gate λ:</source>
        <translation>Bayesian-LoRA 门控 λ：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="128"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="131"/>
        <source>Epochs:</source>
        <translation>轮数：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="135"/>
        <source>Learning rate:</source>
        <translation>学习率：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="137"/>
        <source>Batch:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="139"/>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="140"/>
        <source>Sequence length:</source>
        <translation>序列长度：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="143"/>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="117"/>
        <source>last loss %1</source>
        <translation>最近损失 %1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="118"/>
        <source>held-out perplexity %1</source>
        <translation>留出困惑度 %1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="135"/>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="140"/>
        <source>Cannot finetune: %1</source>
        <translation>无法微调：%1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="142"/>
        <source>%1, %2-bit, group size %3, adapter rank %4</source>
        <translation>%1，%2 位，分组大小 %3，适配器秩 %4</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="204"/>
        <source>%1: %2 trainable parameters</source>
        <translation>%1：%2 个可训练参数</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="205"/>
        <source>%1: — (%2)</source>
        <translation>%1：—（%2）</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="211"/>
        <source>Does not fit this checkpoint: %1</source>
        <translation>不适用于此检查点：%1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="213"/>
        <source>the checkpoint&apos;s (%1)</source>
        <translation>沿用检查点（%1）</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="214"/>
        <source>the checkpoint&apos;s</source>
        <translation>沿用检查点</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="236"/>
        <location filename="../widgets/finetune_dialog.cpp" line="343"/>
        <source>A finetune or merge is already running.</source>
        <translation>已有微调或合并正在运行。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="237"/>
        <source>Choose the quantized checkpoint to finetune.</source>
        <translation>请选择要微调的量化检查点。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="239"/>
        <source>The checkpoint is still being read; start again in a moment.</source>
        <translation>仍在读取检查点；请稍后再开始。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="240"/>
        <source>Cannot finetune %1: %2</source>
        <translation>无法微调 %1：%2</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="241"/>
        <source>Choose the training data.</source>
        <translation>请选择训练数据。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="243"/>
        <source>%1 does not exist or is not a file.</source>
        <translation>%1 不存在或不是文件。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="244"/>
        <source>Choose the output folder.</source>
        <translation>请选择输出文件夹。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="245"/>
        <source>%1 already exists; finetuning never overwrites.</source>
        <translation>%1 已存在；微调从不覆盖。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="249"/>
        <source>%1 does not fit this checkpoint: %2</source>
        <translation>%1 不适用于此检查点：%2</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="267"/>
        <source>Loading the checkpoint…</source>
        <translation>正在加载检查点…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="268"/>
        <source>Finetuning %1 (%2) into %3…</source>
        <translation>正在以 %2 微调 %1，输出到 %3…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="287"/>
        <source>Cancelling after the current step…</source>
        <translation>将在当前步完成后取消…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="304"/>
        <source>Measuring the held-out perplexity: %1 of %2 batches</source>
        <translation>正在测量留出困惑度：第 %1 / %2 批</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="319"/>
        <source>held-out perplexity %1 → %2</source>
        <translation>留出困惑度 %1 → %2</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="320"/>
        <source>no held-out perplexity</source>
        <translation>无留出困惑度</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="321"/>
        <source>%1; adapter: %2 trainable, %3 KiB</source>
        <translation>%1；适配器：%2 个可训练参数，%3 KiB</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="325"/>
        <source>Merge into the %1-bit model…</source>
        <translation>合并进 %1 位模型…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="327"/>
        <source>Finetuned into %1</source>
        <translation>已微调并输出到 %1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="331"/>
        <source>Finetune cancelled; %1 was not written. The progress is kept in %2: tick Resume and start again to continue.</source>
        <translation>微调已取消；未写入 %1。进度保存在 %2 中：勾选“继续”并重新开始即可接着训练。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="333"/>
        <source>Finetune cancelled; nothing was written.</source>
        <translation>微调已取消；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="335"/>
        <source>Finetune failed: %1</source>
        <translation>微调失败：%1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="344"/>
        <source>There is no finished adapter that merges into the model.</source>
        <translation>没有可合并进模型的已完成适配器。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="345"/>
        <source>%1 already exists; merging never overwrites.</source>
        <translation>%1 已存在；合并从不覆盖。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="351"/>
        <source>Merging the adapter into %1…</source>
        <translation>正在将适配器合并到 %1…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="359"/>
        <source>Merged into %1 (largest change beyond the adapter: %2)</source>
        <translation>已合并到 %1（超出适配器本身的最大变化：%2）</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="368"/>
        <source>Merge cancelled; nothing was written.</source>
        <translation>合并已取消；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="369"/>
        <source>Merge failed: %1</source>
        <translation>合并失败：%1</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::JobWizard</name>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="51"/>
        <source>New calibration job</source>
        <translation>新建校准任务</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="66"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="67"/>
        <source>Choose the folder of a full-precision Llama model (config.json, weights, tokenizer).</source>
        <translation>选择一个全精度 Llama 模型的文件夹（config.json、权重、分词器）。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="70"/>
        <location filename="../widgets/job_wizard.cpp" line="82"/>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="71"/>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="44"/>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="132"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="100"/>
        <source>No model chosen yet.</source>
        <translation>尚未选择模型。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="110"/>
        <source>%1 · %2 blocks · hidden %3 · intermediate %4 · %5 heads (%6 kv) · vocab %7 · %8 parameters</source>
        <translation>%1 · %2 个块 · 隐藏维度 %3 · 中间维度 %4 · %5 个头（%6 个 KV）· 词表 %7 · %8 个参数</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="128"/>
        <source>Methods</source>
        <translation>方法</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="129"/>
        <source>Choose one or more methods; several at once are run one after another for a comparison.</source>
        <translation>选择一种或多种方法；选择多种时会依次运行以便比较。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="142"/>
        <source>Choose at least one method.</source>
        <translation>请至少选择一种方法。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="180"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="181"/>
        <source>Bit width, group size and the LoRA adapters&apos; rank and alpha.</source>
        <translation>位宽、分组大小以及 LoRA 适配器的秩和 alpha。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="189"/>
        <source>Consecutive input columns of a row that share one scale and zero point (int format).</source>
        <translation>同一行中共享一个缩放因子和零点的连续输入列（int 格式）。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="199"/>
        <source>LoRA scaling is alpha / rank.</source>
        <translation>LoRA 缩放系数为 alpha / 秩。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="203"/>
        <source>int: uniform integer groups; nf: NormalFloat with per-block absmax (no learnable clipping).</source>
        <translation>int：均匀整数分组；nf：按块绝对最大值缩放的 NormalFloat（无可学习截断）。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="161"/>
        <source>The linears to quantize in every block. The others stay in full precision: no quantizer, no LoRA adapter, their weights stored as they are.</source>
        <translation>每个块中要量化的线性层。其余线性层保持全精度：不量化、不加 LoRA 适配器，权重按原样保存。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="215"/>
        <source>Precision:</source>
        <translation>精度：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="216"/>
        <source>Budget:</source>
        <translation>预算：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="217"/>
        <source>Bits:</source>
        <translation>位数：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="218"/>
        <source>Group size:</source>
        <translation>分组大小：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="219"/>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="220"/>
        <source>LoRA rank:</source>
        <translation>LoRA 秩：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="221"/>
        <source>LoRA alpha:</source>
        <translation>LoRA alpha：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="222"/>
        <source>Target linears:</source>
        <translation>目标线性层：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="134"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="276"/>
        <source>A budget of %1 bits per parameter is below the least any allocation takes for this model and these targets: %2 bits per parameter (%3 MB); the calibration would refuse it.</source>
        <translation>每参数 %1 位的预算低于该模型和这些目标下任何分配的最小占用：每参数 %2 位（%3 MB）；校准将拒绝该预算。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="287"/>
        <source>Choose a valid model first.</source>
        <translation>请先选择一个有效的模型。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="304"/>
        <source>Compressed size ≈ %1 (codes %2, scales and zeros %3, LoRA %4, dense %5) — original %6, %7%</source>
        <translation>压缩后大小 ≈ %1（编码 %2，缩放与零点 %3，LoRA %4，稠密部分 %5）— 原始 %6，%7%</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="312"/>
        <source>Compressed size ≤ %1 (quantized linears %2 within the budget, dense %3) — original %4</source>
        <translation>压缩后大小 ≤ %1（量化线性层在预算内 %2，稠密部分 %3）— 原始 %4</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="316"/>
        <source>rtn has no adapters: ≈ %1</source>
        <translation>rtn 没有适配器：≈ %1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="320"/>
        <source>Calibration peak memory ≈ %1 (%2 samples × %3 tokens)</source>
        <translation>校准峰值内存 ≈ %1（%2 个样本 × %3 个词元）</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="39"/>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="79"/>
        <source>Calibration data</source>
        <translation>校准数据</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="40"/>
        <source>A plain-text file from which random windows of tokens are drawn.</source>
        <translation>从中随机抽取词元窗口的纯文本文件。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="43"/>
        <source>Text file</source>
        <translation>文本文件</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="61"/>
        <source>Passes over the calibration samples per layer or block (apiq methods).</source>
        <translation>每层或每块遍历校准样本的轮数（apiq 方法）。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="64"/>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="65"/>
        <source>Samples:</source>
        <translation>样本数：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="66"/>
        <source>Sequence length:</source>
        <translation>序列长度：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="67"/>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="68"/>
        <source>Epochs:</source>
        <translation>轮数：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="80"/>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="105"/>
        <source>Choose a calibration text file.</source>
        <translation>请选择校准文本文件。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="107"/>
        <source>%1 does not exist or is not a file.</source>
        <translation>%1 不存在或不是文件。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="109"/>
        <source>Sequence length %1 exceeds the model&apos;s context of %2 tokens.</source>
        <translation>序列长度 %1 超过模型 %2 个词元的上下文长度。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="117"/>
        <source>Device and output</source>
        <translation>设备与输出</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="118"/>
        <source>Where the calibration runs and where each method&apos;s checkpoint is written.</source>
        <translation>校准在哪里运行，以及每种方法的检查点写到哪里。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="127"/>
        <source>CPU threads for the calibration&apos;s tensor operations.</source>
        <translation>校准张量运算使用的 CPU 线程数。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="130"/>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="146"/>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="131"/>
        <source>Each method writes its checkpoint to a subfolder named after it.</source>
        <translation>每种方法把检查点写入以其名称命名的子文件夹。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="135"/>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="136"/>
        <source>Threads:</source>
        <translation>线程数：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="137"/>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="162"/>
        <source>Choose an output folder.</source>
        <translation>请选择输出文件夹。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="164"/>
        <source>%1 is a file, not a folder.</source>
        <translation>%1 是文件，不是文件夹。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="169"/>
        <source>%1 already exists; choose another output folder or remove it.</source>
        <translation>%1 已存在；请选择其他输出文件夹或将其删除。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="176"/>
        <source>Review</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="177"/>
        <source>These jobs will be queued. Go back to change anything.</source>
        <translation>这些任务将被加入队列。如需修改请返回。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="191"/>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="193"/>
        <source>Methods: %1</source>
        <translation>方法：%1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="195"/>
        <source>Quantization: memory budget of %1 bits per parameter (int; bits and group size chosen per linear), LoRA factors %2</source>
        <translation>量化：每参数 %1 位的内存预算（int；按线性层选择位数和分组大小），LoRA 因子%2</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="197"/>
        <source>counted</source>
        <translation>计入</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="197"/>
        <source>not counted</source>
        <translation>不计入</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="199"/>
        <source>Quantization: %1-bit %2, group size %3</source>
        <translation>量化：%1 位 %2，分组大小 %3</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="203"/>
        <source>LoRA: rank %1, alpha %2</source>
        <translation>LoRA：秩 %1，alpha %2</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="204"/>
        <source>Target linears: %1</source>
        <translation>目标线性层：%1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="205"/>
        <source>Calibration data: %1, %2 samples × %3 tokens, seed %4, %5 epochs</source>
        <translation>校准数据：%1，%2 个样本 × %3 个词元，种子 %4，%5 轮</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="211"/>
        <source>Device: %1, %2 threads</source>
        <translation>设备：%1，%2 个线程</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="214"/>
        <source>Jobs:</source>
        <translation>任务：</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="25"/>
        <source>%1 MB</source>
        <translation>%1 MB</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="35"/>
        <source>Uniform bits</source>
        <translation>统一位数</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="35"/>
        <source>Memory budget</source>
        <translation>内存预算</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="36"/>
        <source>Memory budget: each quantized linear gets its own bits (2, 3, 4, 8) and group size (32, 64, 128), chosen for the least rounding error within the budget.</source>
        <translation>内存预算：每个量化线性层获得各自的位数（2、3、4、8）和分组大小（32、64、128），在预算内按最小舍入误差选择。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="44"/>
        <source> bits per parameter</source>
        <translation> 位/参数</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="49"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="50"/>
        <source>Target size of the quantized linears (10⁶ bytes), converted to bits per parameter over their weights.</source>
        <translation>量化线性层的目标大小（10⁶ 字节），按其权重换算为每参数位数。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="55"/>
        <source>Bits per parameter</source>
        <translation>每参数位数</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="55"/>
        <source>Target size (MB)</source>
        <translation>目标大小（MB）</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="56"/>
        <source>Count LoRA factors</source>
        <translation>计入 LoRA 因子</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="59"/>
        <source>The fp32 LoRA factors of every linear count against the budget (they do not change with the choice). Off: the budget covers the quantized weights alone.</source>
        <translation>每个线性层的 fp32 LoRA 因子计入预算（它们不随选择而变化）。关闭：预算仅覆盖量化权重。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="141"/>
        <source>Memory budget unavailable: %1</source>
        <translation>内存预算不可用：%1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="150"/>
        <source>Any allocation takes between %1 and %2 bits per parameter (%3 to %4) over %5 quantized parameters.</source>
        <translation>任何分配在 %5 个量化参数上占用每参数 %1 到 %2 位（%3 到 %4）。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="154"/>
        <source>This budget: %1 bits per parameter, at most %2 for the quantized linears.</source>
        <translation>此预算：每参数 %1 位，量化线性层最多 %2。</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="157"/>
        <source>Above the most any allocation takes: every linear gets its largest configuration.</source>
        <translation>超过任何分配的最大占用：每个线性层都获得其最大配置。</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::JobsPanel</name>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="23"/>
        <location filename="../widgets/jobs_panel.cpp" line="44"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="24"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>Elapsed</source>
        <translation>已用时间</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>Remaining</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="43"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="43"/>
        <location filename="../widgets/jobs_panel.cpp" line="71"/>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="44"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="59"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="81"/>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::LinearBits</name>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="59"/>
        <source>%1 stored bits per parameter (codes, scales, zero points and LoRA factors)</source>
        <translation>每参数存储 %1 位（编码、缩放、零点和 LoRA 因子）</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="62"/>
        <source>no quantized linears</source>
        <translation>没有量化线性层</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="64"/>
        <source>LoRA counted</source>
        <translation>计入 LoRA</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="65"/>
        <source>LoRA not counted</source>
        <translation>不计入 LoRA</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="66"/>
        <source>budget %1 bits per parameter, %2</source>
        <translation>预算每参数 %1 位，%2</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="69"/>
        <source>uniform</source>
        <translation>统一</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="76"/>
        <source>not quantized (stored dense)</source>
        <translation>未量化（稠密存储）</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::LinearHeatMap</name>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="81"/>
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="83"/>
        <source>Per linear:</source>
        <translation>每个线性层：</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="95"/>
        <source>Linear</source>
        <translation>线性层</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="96"/>
        <source>Block</source>
        <translation>块</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="117"/>
        <source>No finetuned adapter</source>
        <translation>没有微调过的适配器</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="122"/>
        <source>Rank</source>
        <translation>秩</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="123"/>
        <source>Bits</source>
        <translation>位数</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="124"/>
        <source>Group size</source>
        <translation>分组大小</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="125"/>
        <source>Bits of A</source>
        <translation>A 的位数</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="126"/>
        <source>Bits of B</source>
        <translation>B 的位数</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="127"/>
        <source>Bits of E</source>
        <translation>E 的位数</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="128"/>
        <source>Trainable parameters</source>
        <translation>可训练参数</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="129"/>
        <source>Stored bits</source>
        <translation>存储位数</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="130"/>
        <source>Memory (bits)</source>
        <translation>内存（位）</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="131"/>
        <source>Bit operations</source>
        <translation>位运算量</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="132"/>
        <source>Input pool</source>
        <translation>输入池化</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="133"/>
        <source>Output pool</source>
        <translation>输出池化</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="155"/>
        <source>%1: no adapter linears in the report</source>
        <translation>%1：报告中没有适配器线性层</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="160"/>
        <source>no adapter (not quantized)</source>
        <translation>无适配器（未量化）</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="226"/>
        <location filename="../widgets/linear_heat_map.cpp" line="241"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="240"/>
        <source>block %1 %2</source>
        <translation>块 %1 %2</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="257"/>
        <location filename="../widgets/linear_heat_map.cpp" line="260"/>
        <source>Export Map</source>
        <translation>导出图</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="243"/>
        <source>%1 — %2: %3</source>
        <translation>%1 — %2：%3</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="243"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="260"/>
        <source>Could not write %1</source>
        <translation>无法写入 %1</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::LossChart</name>
    <message>
        <location filename="../widgets/live_charts.cpp" line="27"/>
        <source>Optimizer step</source>
        <translation>优化步数</translation>
    </message>
    <message>
        <location filename="../widgets/live_charts.cpp" line="28"/>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ModelTreeModel</name>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10"/>
        <source>Module / tensor</source>
        <translation>模块 / 张量</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10"/>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10"/>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="56"/>
        <source>Embedding</source>
        <translation>嵌入层</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="57"/>
        <source>Blocks (%1)</source>
        <translation>块（%1）</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="58"/>
        <source>Final norm and head</source>
        <translation>最终归一化与输出头</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="65"/>
        <source>%1-bit</source>
        <translation>%1 位</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="66"/>
        <source>group %1</source>
        <translation>分组 %1</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="67"/>
        <source>rank %1</source>
        <translation>秩 %1</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="68"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="68"/>
        <source>Quantization (%1)</source>
        <translation>量化（%1）</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="78"/>
        <source>Block %1</source>
        <translation>块 %1</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="79"/>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="80"/>
        <source>MLP</source>
        <translation>MLP</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::RunComparisonWidget</name>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="66"/>
        <location filename="../widgets/run_comparison.cpp" line="401"/>
        <source>Compute perplexity</source>
        <translation>计算困惑度</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="68"/>
        <source>Add run…</source>
        <translation>添加运行…</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="69"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="70"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="71"/>
        <source>Text file for perplexity</source>
        <translation>用于困惑度的文本文件</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="75"/>
        <source>windows of </source>
        <translation>窗口长度 </translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="76"/>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="79"/>
        <source>every window</source>
        <translation>全部窗口</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="80"/>
        <source>at most </source>
        <translation>最多 </translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="86"/>
        <source>Perplexity on:</source>
        <translation>困惑度文本：</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="102"/>
        <source>Error along depth</source>
        <translation>误差随深度变化</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="103"/>
        <source>Every linear</source>
        <translation>每个线性层</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="104"/>
        <source>Finetuned adapter</source>
        <translation>微调适配器</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="105"/>
        <source>Bits per linear</source>
        <translation>每个线性层的位数</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="120"/>
        <source>Text for Perplexity</source>
        <translation>用于困惑度的文本</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="195"/>
        <source>A run saved in the comparison could not be read and was left out: %1</source>
        <translation>比较中保存的一个运行无法读取，已略去：%1</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="283"/>
        <source>Block</source>
        <translation>块</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="283"/>
        <source>Linear</source>
        <translation>线性层</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="315"/>
        <source>None of the compared runs was finetuned.</source>
        <translation>对比中的运行都没有经过微调。</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="321"/>
        <source>The full-precision model has no adapter.</source>
        <translation>全精度模型没有适配器。</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="321"/>
        <source>%1 was not finetuned.</source>
        <translation>%1 未经过微调。</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="335"/>
        <source>No run to show.</source>
        <translation>没有可显示的运行。</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="341"/>
        <source>The full-precision model is not quantized.</source>
        <translation>全精度模型未量化。</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="364"/>
        <source>Choose a text file for the perplexity first.</source>
        <translation>请先选择用于困惑度的文本文件。</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="383"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="405"/>
        <source>Perplexity failed: %1</source>
        <translation>困惑度计算失败：%1</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="422"/>
        <source>Add a Finished Run or Quantized Checkpoint</source>
        <translation>添加已完成的运行或量化检查点</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="426"/>
        <source>Could not add %1: %2</source>
        <translation>无法添加 %1：%2</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::TensorStatsView</name>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="29"/>
        <location filename="../widgets/tensor_stats_view.cpp" line="90"/>
        <source>Select a tensor or a linear in the model tree to see its statistics.</source>
        <translation>在模型树中选择一个张量或线性层以查看其统计信息。</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Elements</source>
        <translation>元素数</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Min</source>
        <translation>最小值</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Max</source>
        <translation>最大值</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Std</source>
        <translation>标准差</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>|Max|</source>
        <translation>|最大值|</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>NaN</source>
        <translation>NaN</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="44"/>
        <source>Count</source>
        <translation>计数</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="66"/>
        <source>Computing statistics of %1…</source>
        <translation>正在计算 %1 的统计信息…</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="96"/>
        <source>Statistics unavailable: %1</source>
        <translation>统计信息不可用：%1</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::TensorTableModel</name>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="111"/>
        <source>Tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="112"/>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="113"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="114"/>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="115"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ZeroCensusModel</name>
    <message numerus="yes">
        <location filename="../widgets/zero_census_model.cpp" line="91"/>
        <source>%n group(s) with zero point 0: a GPTQ v1 export cannot store them</source>
        <translation>
            <numerusform>%n 个分组的零点为 0：GPTQ v1 导出无法存储它们</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="101"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="111"/>
        <source>Linear</source>
        <translation>线性层</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="112"/>
        <source>Groups</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="113"/>
        <source>Zero point 0</source>
        <translation>零点为 0</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="114"/>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="115"/>
        <source>Zero points (value: groups)</source>
        <translation>零点（值：分组数）</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ZeroCensusView</name>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="37"/>
        <source>Zero point</source>
        <translation>零点</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="38"/>
        <source>Groups (all linears)</source>
        <translation>分组数（所有线性层）</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="58"/>
        <source>Counting zero points in %1…</source>
        <translation>正在统计 %1 中的零点…</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="77"/>
        <source>Could not count the zero points: %1</source>
        <translation>无法统计零点：%1</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="78"/>
        <source>Open a quantized checkpoint to see its zero-point census.</source>
        <translation>打开一个量化检查点以查看其零点统计。</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="80"/>
        <source>%1 has no integer zero points (not an ApiQ Studio quantized checkpoint, or NormalFloat codes).</source>
        <translation>%1 没有整数零点（不是 ApiQ Studio 量化检查点，或使用 NormalFloat 码值）。</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="84"/>
        <source>&lt;b&gt;%1 of %2 groups&lt;/b&gt; (%3 %) in %4 linears have zero point 0. A GPTQ v1 export stores zero − 1 and cannot hold them; gptq-v2 and compressed-tensors are lossless.</source>
        <translation>%4 个线性层中 &lt;b&gt;%2 个分组里有 %1 个&lt;/b&gt;（%3 %）零点为 0。GPTQ v1 导出存储的是零点 − 1，无法容纳它们；gptq-v2 和 compressed-tensors 无损。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/gui/main.cpp" line="79"/>
        <source>ApiQ Studio</source>
        <translation>ApiQ Studio</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="82"/>
        <source>Model folder to open.</source>
        <translation>要打开的模型文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="84"/>
        <source>Run the screenshot tour and save PNGs to &lt;dir&gt;.</source>
        <translation>运行截图流程并将 PNG 保存到 &lt;dir&gt;。</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="86"/>
        <source>Calibration text for the tour.</source>
        <translation>截图流程使用的校准文本。</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="90"/>
        <source>Write the comparison of the run folders given as arguments (charts as PNG, SVG and CSV, the summary as CSV) into &lt;dir&gt;, without a window.</source>
        <translation>将作为参数给出的运行文件夹的比较（图表为 PNG、SVG 和 CSV，汇总为 CSV）写入 &lt;dir&gt;，不打开窗口。</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="94"/>
        <source>Compute the comparison&apos;s perplexities on &lt;file&gt;.</source>
        <translation>在 &lt;file&gt; 上计算比较中的困惑度。</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="96"/>
        <source>Perplexity window.</source>
        <translation>困惑度窗口长度。</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="99"/>
        <source>Score at most this many windows (0: all).</source>
        <translation>最多评估这么多窗口（0：全部）。</translation>
    </message>
</context>
</TS>
