<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>apiq::app::MainWindow</name>
    <message>
        <location filename="../app/gui/main_window.cpp" line="29"/>
        <source>ApiQ Studio</source>
        <translation>ApiQ Studio</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="33"/>
        <source>Open a model folder (config.json, safetensors, tokenizer.model) or drop it here.</source>
        <translation>打开模型文件夹（config.json、safetensors、tokenizer.model），或将其拖放到此处。</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="44"/>
        <source>&amp;Open Model Folder…</source>
        <translation>打开模型文件夹(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="47"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="50"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="54"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="66"/>
        <source>Device: CUDA (%n GPU(s))</source>
        <translation>
            <numerusform>设备：CUDA（%n 个 GPU）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="67"/>
        <source>Device: CPU</source>
        <translation>设备：CPU</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="72"/>
        <source>Open Model Folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="79"/>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="94"/>
        <location filename="../app/gui/main_window.cpp" line="96"/>
        <source>Could not open the model</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="102"/>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2, %3 blocks, hidden %4, %5 heads (%6 key/value), vocabulary %7 — %8 tensors, %9 parameters, %10</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2，%3 个块，隐藏维度 %4，%5 个注意力头（%6 个键/值头），词表 %7 — %8 个张量，%9 个参数，%10</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="113"/>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="114"/>
        <source>ApiQ Studio — %1</source>
        <translation>ApiQ Studio — %1</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::TensorTableModel</name>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="95"/>
        <source>Tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="96"/>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="97"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="98"/>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="99"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
</context>
</TS>
