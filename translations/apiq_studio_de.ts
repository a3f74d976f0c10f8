<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>TensorStats</name>
    <message>
        <location filename="../widgets/tensor_stats_loader.cpp" line="88"/>
        <location filename="../widgets/tensor_stats_loader.cpp" line="102"/>
        <source>Q (codes)</source>
        <translation>Q (Codes)</translation>
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
        <translation>LoRA: ΔW = s·B·A mit Rang r</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="54"/>
        <source>Q-BaRA: inputs averaged in pairs, outputs repeated; rank 2r on the parameters of LoRA rank r</source>
        <translation>Q-BaRA: Eingaben paarweise gemittelt, Ausgaben wiederholt; Rang 2r mit den Parametern von LoRA-Rang r</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="56"/>
        <source>QA-HiRA: one matrix on inputs pooled per quantization group; merges into the 2-bit model</source>
        <translation>QA-HiRA: eine Matrix auf je Quantisierungsgruppe gepoolten Eingaben; lässt sich in das 2-Bit-Modell einrechnen</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="58"/>
        <source>Bayesian-LoRA: s·B·diag(E)·A with learned gates choosing 2/4/8/16 bits per factor and the rank</source>
        <translation>Bayesian-LoRA: s·B·diag(E)·A mit gelernten Gates, die 2/4/8/16 Bit je Faktor und den Rang wählen</translation>
    </message>
</context>
<context>
    <name>apiq::ExportFormat</name>
    <message>
        <location filename="../widgets/core_texts.cpp" line="23"/>
        <source>vLLM (2-bit pack-quantized through the Humming kernels, experimental), llm-compressor, and transformers with compressed-tensors. The LoRA adapter is written beside it.</source>
        <translation>vLLM (2-Bit pack-quantized über die Humming-Kernel, experimentell), llm-compressor sowie transformers mit compressed-tensors. Der LoRA-Adapter wird daneben geschrieben.</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="26"/>
        <source>Lossless for 2- and 4-bit integer codes, zero point 0 included. The scales and dense weights are written in the chosen dtype: f16 (default) rounds the scales, f32 keeps them exactly (+0.25 bit per weight at group 64).</source>
        <translation>Verlustfrei für 2- und 4-Bit-Ganzzahlcodes, Nullpunkt 0 eingeschlossen. Skalen und dichte Gewichte werden im gewählten Datentyp geschrieben: f16 (Standard) rundet die Skalen, f32 bewahrt sie exakt (+0,25 Bit pro Gewicht bei Gruppe 64).</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="30"/>
        <source>GPTQModel, and transformers + optimum through GPT-QModel; vLLM&apos;s GPTQ kernels that read checkpoint_format gptq_v2. AutoGPTQ rejects gptq_v2.</source>
        <translation>GPTQModel sowie transformers + optimum über GPT-QModel; die GPTQ-Kernel von vLLM, die checkpoint_format gptq_v2 lesen. AutoGPTQ lehnt gptq_v2 ab.</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="33"/>
        <source>Lossless for 2- and 4-bit integer codes (zero points stored as they are).</source>
        <translation>Verlustfrei für 2- und 4-Bit-Ganzzahlcodes (Nullpunkte werden unverändert gespeichert).</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="34"/>
        <source>GPTQModel, AutoGPTQ, transformers + optimum (GPT-QModel backend), and vLLM&apos;s 2-bit GPTQ kernels (releases up to mid-2026). The LoRA adapter is written beside it.</source>
        <translation>GPTQModel, AutoGPTQ, transformers + optimum (GPT-QModel-Backend) und die 2-Bit-GPTQ-Kernel von vLLM (Versionen bis Mitte 2026). Der LoRA-Adapter wird daneben geschrieben.</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="37"/>
        <source>GPTQ v1 stores zero point − 1, so a group with zero point 0 cannot be stored; such a checkpoint is refused unless you clamp those groups (lossy).</source>
        <translation>GPTQ v1 speichert Nullpunkt − 1, daher kann eine Gruppe mit Nullpunkt 0 nicht gespeichert werden; ein solcher Checkpoint wird abgelehnt, sofern Sie diese Gruppen nicht begrenzen (verlustbehaftet).</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="40"/>
        <source>transformers + PEFT (PeftModel.from_pretrained), on a base holding this checkpoint&apos;s dequantized weights, such as the hf-dequantized export.</source>
        <translation>transformers + PEFT (PeftModel.from_pretrained), auf einem Basismodell mit den dequantisierten Gewichten dieses Checkpoints, etwa dem hf-dequantized-Export.</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="43"/>
        <source>Lossless: the LoRA factors are copied exactly.</source>
        <translation>Verlustfrei: Die LoRA-Faktoren werden exakt kopiert.</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="44"/>
        <source>Any Hugging Face tool (transformers + PEFT, vLLM, TGI, llama.cpp&apos;s converter): a standard dense checkpoint plus the adapter. No memory saving.</source>
        <translation>Jedes Hugging-Face-Werkzeug (transformers + PEFT, vLLM, TGI, der Konverter von llama.cpp): ein gewöhnlicher dichter Checkpoint plus Adapter. Keine Speicherersparnis.</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="47"/>
        <source>Lossless in f32; f16 and bf16 round the dequantized weights.</source>
        <translation>Verlustfrei in f32; f16 und bf16 runden die dequantisierten Gewichte.</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="48"/>
        <source>the checkpoint has no LoRA factors (rtn)</source>
        <translation>der Checkpoint hat keine LoRA-Faktoren (rtn)</translation>
    </message>
</context>
<context>
    <name>apiq::Method</name>
    <message>
        <location filename="../widgets/core_texts.cpp" line="12"/>
        <source>round to nearest, no adapters (baseline)</source>
        <translation>Rundung zum nächsten Wert, ohne Adapter (Referenz)</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="13"/>
        <source>round to nearest, LoRA initialised as in QLoRA (B = 0)</source>
        <translation>Rundung zum nächsten Wert, LoRA wie bei QLoRA initialisiert (B = 0)</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="14"/>
        <source>alternating quantization and SVD initialisation of the adapters</source>
        <translation>abwechselnde Quantisierung und SVD-Initialisierung der Adapter</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="15"/>
        <source>ApiQ layer by layer, learnable clipping and LoRA trained on activations</source>
        <translation>ApiQ Schicht für Schicht, lernbares Clipping und LoRA auf Aktivierungen trainiert</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="16"/>
        <source>ApiQ block by block (the paper&apos;s default)</source>
        <translation>ApiQ Block für Block (Standard des Artikels)</translation>
    </message>
    <message>
        <location filename="../widgets/core_texts.cpp" line="17"/>
        <source>LQ-LoRA: low-rank SVD first, then quantization of the rest, iterated; adapters from the SVD</source>
        <translation>LQ-LoRA: erst Niedrigrang-SVD, dann Quantisierung des Rests, wiederholt; Adapter aus der SVD</translation>
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
        <translation>Öffnen Sie einen Modellordner (config.json, safetensors, tokenizer.model) oder ziehen Sie ihn hierher.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="72"/>
        <source>Tensors</source>
        <translation>Tensoren</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="85"/>
        <source>Live activation error</source>
        <translation>Aktivierungsfehler live</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="86"/>
        <source>Comparison</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="87"/>
        <source>Zero points</source>
        <translation>Nullpunkte</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="88"/>
        <source>Open a quantized checkpoint to see the bits of each linear.</source>
        <translation>Öffnen Sie einen quantisierten Checkpoint, um die Bits jeder Linearschicht zu sehen.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="89"/>
        <source>Bits per linear</source>
        <translation>Bits je Linearschicht</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="94"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="98"/>
        <source>Jobs</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="102"/>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="113"/>
        <source>&amp;Open Model Folder…</source>
        <translation>Modellordner ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="116"/>
        <source>&amp;Quantize…</source>
        <translation>&amp;Quantisieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="119"/>
        <source>&amp;Add to Comparison…</source>
        <translation>Zum &amp;Vergleich hinzufügen…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="124"/>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="127"/>
        <source>&amp;Finetune…</source>
        <translation>&amp;Feinabstimmung…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="130"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="133"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="135"/>
        <source>Recent Models</source>
        <translation>Zuletzt geöffnete Modelle</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="142"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="146"/>
        <source>&amp;Dark Palette</source>
        <translation>&amp;Dunkle Farbpalette</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="149"/>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="152"/>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="161"/>
        <source>The language changes when ApiQ Studio is started again.</source>
        <translation>Die Sprache ändert sich beim nächsten Start von ApiQ Studio.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="164"/>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="247"/>
        <source>Could not add the run to the comparison</source>
        <translation>Der Lauf konnte nicht zum Vergleich hinzugefügt werden</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="325"/>
        <source>%1 is not a quantized checkpoint: every linear is stored dense.</source>
        <translation>%1 ist kein quantisierter Checkpoint: Jede Linearschicht ist dicht gespeichert.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="379"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="384"/>
        <source>Calibration failed</source>
        <translation>Kalibrierung fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="215"/>
        <source>Open Model Folder</source>
        <translation>Modellordner öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="281"/>
        <source>Could not compare the runs</source>
        <translation>Die Läufe konnten nicht verglichen werden</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="293"/>
        <source>Reading %1…</source>
        <translation>Lese %1…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="315"/>
        <source>Could not open the model</source>
        <translation>Das Modell konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="328"/>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2, %3 blocks, hidden %4, %5 heads (%6 key/value), vocabulary %7 — %8 tensors, %9 parameters, %10</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2, %3 Blöcke, verborgene Größe %4, %5 Köpfe (%6 Key/Value), Vokabular %7 — %8 Tensoren, %9 Parameter, %10</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="345"/>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
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
        <translation>Schicht (Block × 7 + Linear)</translation>
    </message>
    <message>
        <location filename="../widgets/activation_error_chart.cpp" line="23"/>
        <source>Activation error per token</source>
        <translation>Aktivierungsfehler pro Token</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::CalibrationJob</name>
    <message>
        <location filename="../widgets/calibration_job.cpp" line="33"/>
        <source>Finished</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location filename="../widgets/calibration_job.cpp" line="34"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ComparisonChart</name>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="38"/>
        <source>Log scale</source>
        <translation>Logarithmische Skala</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="39"/>
        <source>Activation error per block</source>
        <translation>Aktivierungsfehler je Block</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="40"/>
        <source>Block output MSE per block</source>
        <translation>MSE der Blockausgabe je Block</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="41"/>
        <source>Activation error per linear</source>
        <translation>Aktivierungsfehler je linearer Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="42"/>
        <source>All linears</source>
        <translation>Alle linearen Schichten</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="46"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="49"/>
        <source>Chart as PNG…</source>
        <translation>Diagramm als PNG…</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="50"/>
        <source>Chart as SVG…</source>
        <translation>Diagramm als SVG…</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="51"/>
        <source>Data as CSV…</source>
        <translation>Daten als CSV…</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="55"/>
        <source>Linear:</source>
        <translation>Lineare Schicht:</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="155"/>
        <source>Block (its seven linears q … down in order)</source>
        <translation>Block (seine sieben linearen Schichten q … down der Reihe nach)</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="156"/>
        <source>Block</source>
        <translation>Block</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="157"/>
        <source>Block output MSE</source>
        <translation>MSE der Blockausgabe</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="157"/>
        <source>Activation error per token</source>
        <translation>Aktivierungsfehler pro Token</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="179"/>
        <source>block %1 %2</source>
        <translation>Block %1 %2</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="181"/>
        <source>block %1</source>
        <translation>Block %1</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="247"/>
        <location filename="../widgets/comparison_chart.cpp" line="253"/>
        <source>Export Chart</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_chart.cpp" line="253"/>
        <source>Could not write %1</source>
        <translation>%1 konnte nicht geschrieben werden</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ComparisonSummaryModel</name>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="77"/>
        <source>full precision</source>
        <translation>volle Genauigkeit</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="78"/>
        <source>reference</source>
        <translation>Referenz</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="109"/>
        <source>%1 MB of tensors needed to run the model; %2 MB more of learned clipping kept only to resume a calibration</source>
        <translation>%1 MB an Tensoren, die zum Ausführen des Modells nötig sind; dazu %2 MB gelerntes Clipping, das nur zum Fortsetzen einer Kalibrierung aufbewahrt wird</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="114"/>
        <source>Stored bits per weight of the quantized linears: codes, scales, zero points and LoRA factors</source>
        <translation>Gespeicherte Bits pro Gewicht der quantisierten linearen Schichten: Codes, Skalen, Nullpunkte und LoRA-Faktoren</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="116"/>
        <source>Not computed yet: choose a text and press Compute perplexity</source>
        <translation>Noch nicht berechnet: Text wählen und „Perplexität berechnen“ drücken</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="118"/>
        <source>Merged: the adapter was folded into the group zero points, so nothing is stored beside the model</source>
        <translation>Eingerechnet: Der Adapter wurde in die Gruppen-Nullpunkte gefaltet, neben dem Modell wird also nichts gespeichert</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="120"/>
        <source>Bytes of the stored adapter tensors (0 once merged)</source>
        <translation>Bytes der gespeicherten Adapter-Tensoren (0 nach dem Einrechnen)</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="122"/>
        <source>Held-out perplexity the finetune measured on its own held-out data: %1 before training, %2 after</source>
        <translation>Perplexität, die die Feinabstimmung auf ihren eigenen zurückgehaltenen Daten gemessen hat: %1 vor dem Training, %2 danach</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="133"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="133"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="133"/>
        <source>Bits</source>
        <translation>Bits</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="133"/>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="134"/>
        <source>Rank</source>
        <translation>Rang</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="134"/>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="134"/>
        <source>Size (MB)</source>
        <translation>Größe (MB)</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="134"/>
        <source>Bits/param</source>
        <translation>Bits/Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="135"/>
        <source>Perplexity</source>
        <translation>Perplexität</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="135"/>
        <source>Act. error</source>
        <translation>Aktiv.-Fehler</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="135"/>
        <source>Block MSE</source>
        <translation>Block-MSE</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="135"/>
        <source>Time (s)</source>
        <translation>Zeit (s)</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="136"/>
        <source>Peak memory (MiB)</source>
        <translation>Speicherspitze (MiB)</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="136"/>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="136"/>
        <source>Adapter</source>
        <translation>Adapter</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="136"/>
        <source>Adapter parameters</source>
        <translation>Adapter-Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="137"/>
        <source>Adapter (KiB)</source>
        <translation>Adapter (KiB)</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="137"/>
        <source>Adapter rank</source>
        <translation>Adapter-Rang</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="137"/>
        <source>Finetuned perplexity</source>
        <translation>Perplexität nach Feinabstimmung</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_summary_model.cpp" line="149"/>
        <source>Lower is better; the best run is highlighted (the full-precision row is not ranked)</source>
        <translation>Niedriger ist besser; der beste Lauf ist hervorgehoben (die Zeile in voller Genauigkeit wird nicht gewertet)</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::DeviceStatusLabel</name>
    <message>
        <location filename="../widgets/device_status_label.cpp" line="30"/>
        <source>Reading devices…</source>
        <translation>Geräte werden gelesen…</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/device_status_label.cpp" line="43"/>
        <source>Free memory, refreshed every %n second(s)</source>
        <translation>
            <numerusform>Freier Speicher, aktualisiert jede Sekunde</numerusform>
            <numerusform>Freier Speicher, aktualisiert alle %n Sekunden</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/device_status_label.cpp" line="50"/>
        <source>Device: unknown (%1)</source>
        <translation>Gerät: unbekannt (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/device_status_label.cpp" line="53"/>
        <source>CPU only — %1 of %2 GiB RAM free</source>
        <translation>Nur CPU — %1 von %2 GiB RAM frei</translation>
    </message>
    <message>
        <location filename="../widgets/device_status_label.cpp" line="56"/>
        <source>GPU %1 %2: %3 of %4 GiB free</source>
        <translation>GPU %1 %2: %3 von %4 GiB frei</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ErrorHeatMap</name>
    <message>
        <location filename="../widgets/live_charts.cpp" line="59"/>
        <source>Linear (q, k, v, o, gate, up, down)</source>
        <translation>Schicht (q, k, v, o, gate, up, down)</translation>
    </message>
    <message>
        <location filename="../widgets/live_charts.cpp" line="60"/>
        <source>Block</source>
        <translation>Block</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ExportDialog</name>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="57"/>
        <source>Clamp zero points GPTQ v1 cannot store (--force; lossy)</source>
        <translation>Nullpunkte, die GPTQ v1 nicht speichern kann, begrenzen (--force; verlustbehaftet)</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="60"/>
        <source>Export Quantized Model</source>
        <translation>Quantisiertes Modell exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="66"/>
        <location filename="../widgets/export_dialog.cpp" line="99"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="68"/>
        <source>Quantized checkpoint:</source>
        <translation>Quantisierter Checkpoint:</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="72"/>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="76"/>
        <source>About this format</source>
        <translation>Über dieses Format</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="78"/>
        <source>Loaded by:</source>
        <translation>Geladen von:</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="78"/>
        <source>Loss:</source>
        <translation>Verlust:</translation>
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
        <translation>f32 (verlustfrei)</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="95"/>
        <source>Dense weights:</source>
        <translation>Dichte Gewichte:</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="101"/>
        <source>Output folder (new):</source>
        <translation>Ausgabeordner (neu):</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="117"/>
        <source>What the exporter reports appears here.</source>
        <translation>Hier erscheint, was der Exporter meldet.</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="120"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="107"/>
        <source>Cancel export</source>
        <translation>Export abbrechen</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="158"/>
        <source>%1, %2-bit %3 codes, group size %4, LoRA rank %5</source>
        <translation>%1, %2-Bit-%3-Codes, Gruppengröße %4, LoRA-Rang %5</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="164"/>
        <source>Cannot export: %1</source>
        <translation>Export nicht möglich: %1</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="154"/>
        <source>Reading %1…</source>
        <translation>%1 wird gelesen…</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="182"/>
        <source>Quantized Checkpoint</source>
        <translation>Quantisierter Checkpoint</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="187"/>
        <source>Folder to Export Into</source>
        <translation>Zielordner für den Export</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="221"/>
        <source>&lt;b&gt;This checkpoint:&lt;/b&gt; no group has zero point 0, so the export is lossless.</source>
        <translation>&lt;b&gt;Dieser Checkpoint:&lt;/b&gt; Keine Gruppe hat Nullpunkt 0, der Export ist also verlustfrei.</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="222"/>
        <source>&lt;b&gt;This checkpoint: %1 of %2 groups&lt;/b&gt; have zero point 0; %3 groups in all have a zero point GPTQ v1 cannot store. The clamp option (--force) exports them anyway, changing those %3 groups; gptq-v2 and compressed-tensors keep them exactly.</source>
        <translation>&lt;b&gt;Dieser Checkpoint: %1 von %2 Gruppen&lt;/b&gt; haben Nullpunkt 0; insgesamt haben %3 Gruppen einen Nullpunkt, den GPTQ v1 nicht speichern kann. Mit der Begrenzungsoption (--force) werden sie trotzdem exportiert, wobei sich diese %3 Gruppen ändern; gptq-v2 und compressed-tensors erhalten sie exakt.</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="229"/>
        <source>Not available for this checkpoint: %1</source>
        <translation>Für diesen Checkpoint nicht verfügbar: %1</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="239"/>
        <source>An export is already running.</source>
        <translation>Es läuft bereits ein Export.</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="240"/>
        <source>Choose the quantized checkpoint to export.</source>
        <translation>Wählen Sie den zu exportierenden quantisierten Checkpoint.</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="241"/>
        <source>Choose the output folder.</source>
        <translation>Wählen Sie den Ausgabeordner.</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="242"/>
        <source>%1 already exists; exports never overwrite.</source>
        <translation>%1 existiert bereits; Exporte überschreiben nie.</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="252"/>
        <source>Exporting %1 as %2 to %3…</source>
        <translation>%1 wird als %2 nach %3 exportiert…</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="273"/>
        <source>Cancelling after the current block…</source>
        <translation>Wird nach dem aktuellen Block abgebrochen …</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="288"/>
        <source>Exported to %1</source>
        <translation>Exportiert nach %1</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="289"/>
        <source>Export cancelled; nothing was written.</source>
        <translation>Export abgebrochen; es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="290"/>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::FinetuneDialog</name>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="62"/>
        <source>Resume a cancelled run (its OUT.partial)</source>
        <translation>Abgebrochenen Lauf fortsetzen (sein OUT.partial)</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="65"/>
        <source>Finetune Quantized Model</source>
        <translation>Quantisiertes Modell feinabstimmen</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="78"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="90"/>
        <source>Start finetuning</source>
        <translation>Feinabstimmung starten</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="41"/>
        <source>Model and data</source>
        <translation>Modell und Daten</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="43"/>
        <location filename="../widgets/finetune_dialog_form.cpp" line="44"/>
        <location filename="../widgets/finetune_dialog_form.cpp" line="45"/>
        <location filename="../widgets/finetune_dialog_form.cpp" line="46"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="47"/>
        <source>Quantized checkpoint:</source>
        <translation>Quantisierter Checkpoint:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="50"/>
        <source>Training data:</source>
        <translation>Trainingsdaten:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="51"/>
        <source>Plain text</source>
        <translation>Reiner Text</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="52"/>
        <source>GSM8K questions and answers (jsonl)</source>
        <translation>GSM8K-Fragen und -Antworten (jsonl)</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="53"/>
        <source>Chat conversations (jsonl)</source>
        <translation>Chat-Unterhaltungen (jsonl)</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="54"/>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="55"/>
        <source>Optional: else the end of the training data is held out</source>
        <translation>Optional: sonst wird das Ende der Trainingsdaten zurückgehalten</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="56"/>
        <source>Held-out data:</source>
        <translation>Zurückgehaltene Daten:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="57"/>
        <source>Output folder (new):</source>
        <translation>Ausgabeordner (neu):</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="59"/>
        <source>Continues where a cancelled finetune into the same folder stopped; it needs the same settings.</source>
        <translation>Setzt eine abgebrochene Feinabstimmung in denselben Ordner dort fort, wo sie aufgehört hat; dazu sind dieselben Einstellungen nötig.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="62"/>
        <source>Quantized Checkpoint</source>
        <translation>Quantisierter Checkpoint</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="66"/>
        <source>Training Data</source>
        <translation>Trainingsdaten</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="70"/>
        <source>Held-out Data</source>
        <translation>Zurückgehaltene Daten</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="75"/>
        <source>Folder to Write Into</source>
        <translation>Zielordner</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="87"/>
        <source>Adapter</source>
        <translation>Adapter</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="94"/>
        <source>Kind:</source>
        <translation>Art:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="98"/>
        <source>LoRA-equivalent rank r; 0 keeps the checkpoint&apos;s.</source>
        <translation>LoRA-äquivalenter Rang r; 0 behält den des Checkpoints.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="99"/>
        <source>Rank:</source>
        <translation>Rang:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="102"/>
        <source>Scaling α / r of the adapter&apos;s update.</source>
        <translation>Skalierung α / r der Änderung durch den Adapter.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="103"/>
        <source>Alpha:</source>
        <translation>Alpha:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="105"/>
        <source>Outputs sharing one row of the QA-HiRA matrix; its input pool is the quantization group, so the adapter merges into the model.</source>
        <translation>Ausgaben, die sich eine Zeile der QA-HiRA-Matrix teilen; ihr Eingabe-Pool ist die Quantisierungsgruppe, daher lässt sich der Adapter in das Modell einrechnen.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="107"/>
        <source>QA-HiRA output pool:</source>
        <translation>QA-HiRA-Ausgabe-Pool:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="108"/>
        <source>Fit to the checkpoint&apos;s adapter</source>
        <translation>An den Adapter des Checkpoints angepasst</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="109"/>
        <source>Zero (a fresh adapter)</source>
        <translation>Null (ein neuer Adapter)</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="110"/>
        <source>Start from:</source>
        <translation>Beginnen mit:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="115"/>
        <source>Weight of the expected number of open gates in the loss: more pushes to fewer bits and a lower rank.</source>
        <translation>Gewicht der erwarteten Zahl offener Gates im Verlust: mehr drängt zu weniger Bits und kleinerem Rang.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="116"/>
        <source>Bayesian-LoRA gate λ:</source>
        <translation>Bayesian-LoRA-Gate λ:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="128"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="131"/>
        <source>Epochs:</source>
        <translation>Epochen:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="135"/>
        <source>Learning rate:</source>
        <translation>Lernrate:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="137"/>
        <source>Batch:</source>
        <translation>Batch:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="139"/>
        <source> tokens</source>
        <translation> Token</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="140"/>
        <source>Sequence length:</source>
        <translation>Sequenzlänge:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog_form.cpp" line="143"/>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="117"/>
        <source>last loss %1</source>
        <translation>letzter Verlust %1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="118"/>
        <source>held-out perplexity %1</source>
        <translation>Perplexität auf zurückgehaltenen Daten %1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="135"/>
        <source>Reading %1…</source>
        <translation>%1 wird gelesen…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="140"/>
        <source>Cannot finetune: %1</source>
        <translation>Feinabstimmung nicht möglich: %1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="142"/>
        <source>%1, %2-bit, group size %3, adapter rank %4</source>
        <translation>%1, %2 Bit, Gruppengröße %3, Adapter-Rang %4</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="204"/>
        <source>%1: %2 trainable parameters</source>
        <translation>%1: %2 trainierbare Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="205"/>
        <source>%1: — (%2)</source>
        <translation>%1: — (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="211"/>
        <source>Does not fit this checkpoint: %1</source>
        <translation>Passt nicht zu diesem Checkpoint: %1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="213"/>
        <source>the checkpoint&apos;s (%1)</source>
        <translation>der des Checkpoints (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="214"/>
        <source>the checkpoint&apos;s</source>
        <translation>der des Checkpoints</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="236"/>
        <location filename="../widgets/finetune_dialog.cpp" line="343"/>
        <source>A finetune or merge is already running.</source>
        <translation>Eine Feinabstimmung oder ein Einrechnen läuft bereits.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="237"/>
        <source>Choose the quantized checkpoint to finetune.</source>
        <translation>Wählen Sie den quantisierten Checkpoint für die Feinabstimmung.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="239"/>
        <source>The checkpoint is still being read; start again in a moment.</source>
        <translation>Der Checkpoint wird noch gelesen; starten Sie gleich noch einmal.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="240"/>
        <source>Cannot finetune %1: %2</source>
        <translation>%1 kann nicht feinabgestimmt werden: %2</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="241"/>
        <source>Choose the training data.</source>
        <translation>Wählen Sie die Trainingsdaten.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="243"/>
        <source>%1 does not exist or is not a file.</source>
        <translation>%1 existiert nicht oder ist keine Datei.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="244"/>
        <source>Choose the output folder.</source>
        <translation>Wählen Sie den Ausgabeordner.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="245"/>
        <source>%1 already exists; finetuning never overwrites.</source>
        <translation>%1 existiert bereits; die Feinabstimmung überschreibt nie.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="249"/>
        <source>%1 does not fit this checkpoint: %2</source>
        <translation>%1 passt nicht zu diesem Checkpoint: %2</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="267"/>
        <source>Loading the checkpoint…</source>
        <translation>Checkpoint wird geladen…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="268"/>
        <source>Finetuning %1 (%2) into %3…</source>
        <translation>%1 wird mit %2 nach %3 feinabgestimmt…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="287"/>
        <source>Cancelling after the current step…</source>
        <translation>Wird nach dem aktuellen Schritt abgebrochen…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="304"/>
        <source>Measuring the held-out perplexity: %1 of %2 batches</source>
        <translation>Perplexität auf zurückgehaltenen Daten wird gemessen: %1 von %2 Batches</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="319"/>
        <source>held-out perplexity %1 → %2</source>
        <translation>Perplexität auf zurückgehaltenen Daten %1 → %2</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="320"/>
        <source>no held-out perplexity</source>
        <translation>keine Perplexität auf zurückgehaltenen Daten</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="321"/>
        <source>%1; adapter: %2 trainable, %3 KiB</source>
        <translation>%1; Adapter: %2 trainierbar, %3 KiB</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="325"/>
        <source>Merge into the %1-bit model…</source>
        <translation>In das %1-Bit-Modell einrechnen…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="327"/>
        <source>Finetuned into %1</source>
        <translation>Feinabgestimmt nach %1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="331"/>
        <source>Finetune cancelled; %1 was not written. The progress is kept in %2: tick Resume and start again to continue.</source>
        <translation>Feinabstimmung abgebrochen; %1 wurde nicht geschrieben. Der Fortschritt bleibt in %2 erhalten: „Fortsetzen“ ankreuzen und erneut starten, um weiterzumachen.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="333"/>
        <source>Finetune cancelled; nothing was written.</source>
        <translation>Feinabstimmung abgebrochen; es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="335"/>
        <source>Finetune failed: %1</source>
        <translation>Feinabstimmung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="344"/>
        <source>There is no finished adapter that merges into the model.</source>
        <translation>Es gibt keinen fertigen Adapter, der sich in das Modell einrechnen lässt.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="345"/>
        <source>%1 already exists; merging never overwrites.</source>
        <translation>%1 existiert bereits; das Einrechnen überschreibt nie.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="351"/>
        <source>Merging the adapter into %1…</source>
        <translation>Adapter wird nach %1 eingerechnet…</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="359"/>
        <source>Merged into %1 (largest change beyond the adapter: %2)</source>
        <translation>Nach %1 eingerechnet (größte Abweichung über den Adapter hinaus: %2)</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="368"/>
        <source>Merge cancelled; nothing was written.</source>
        <translation>Einrechnen abgebrochen; es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <location filename="../widgets/finetune_dialog.cpp" line="369"/>
        <source>Merge failed: %1</source>
        <translation>Einrechnen fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::JobWizard</name>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="51"/>
        <source>New calibration job</source>
        <translation>Neuer Kalibrierungsauftrag</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="66"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="67"/>
        <source>Choose the folder of a full-precision Llama model (config.json, weights, tokenizer).</source>
        <translation>Wählen Sie den Ordner eines Llama-Modells in voller Genauigkeit (config.json, Gewichte, Tokenizer).</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="70"/>
        <location filename="../widgets/job_wizard.cpp" line="82"/>
        <source>Model folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="71"/>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="44"/>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="132"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="100"/>
        <source>No model chosen yet.</source>
        <translation>Noch kein Modell gewählt.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="110"/>
        <source>%1 · %2 blocks · hidden %3 · intermediate %4 · %5 heads (%6 kv) · vocab %7 · %8 parameters</source>
        <translation>%1 · %2 Blöcke · verborgen %3 · Zwischenschicht %4 · %5 Köpfe (%6 KV) · Vokabular %7 · %8 Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="128"/>
        <source>Methods</source>
        <translation>Methoden</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="129"/>
        <source>Choose one or more methods; several at once are run one after another for a comparison.</source>
        <translation>Wählen Sie eine oder mehrere Methoden; mehrere werden für einen Vergleich nacheinander ausgeführt.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="142"/>
        <source>Choose at least one method.</source>
        <translation>Wählen Sie mindestens eine Methode.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="180"/>
        <source>Quantization</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="181"/>
        <source>Bit width, group size and the LoRA adapters&apos; rank and alpha.</source>
        <translation>Bitbreite, Gruppengröße sowie Rang und Alpha der LoRA-Adapter.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="189"/>
        <source>Consecutive input columns of a row that share one scale and zero point (int format).</source>
        <translation>Aufeinanderfolgende Eingabespalten einer Zeile, die sich Skala und Nullpunkt teilen (int-Format).</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="199"/>
        <source>LoRA scaling is alpha / rank.</source>
        <translation>Die LoRA-Skalierung ist Alpha / Rang.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="203"/>
        <source>int: uniform integer groups; nf: NormalFloat with per-block absmax (no learnable clipping).</source>
        <translation>int: gleichmäßige Ganzzahlgruppen; nf: NormalFloat mit Absolutmaximum pro Block (kein lernbares Clipping).</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="161"/>
        <source>The linears to quantize in every block. The others stay in full precision: no quantizer, no LoRA adapter, their weights stored as they are.</source>
        <translation>Die in jedem Block zu quantisierenden linearen Schichten. Die übrigen bleiben in voller Genauigkeit: kein Quantisierer, kein LoRA-Adapter, ihre Gewichte werden unverändert gespeichert.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="215"/>
        <source>Precision:</source>
        <translation>Genauigkeit:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="216"/>
        <source>Budget:</source>
        <translation>Budget:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="217"/>
        <source>Bits:</source>
        <translation>Bits:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="218"/>
        <source>Group size:</source>
        <translation>Gruppengröße:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="219"/>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="220"/>
        <source>LoRA rank:</source>
        <translation>LoRA-Rang:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="221"/>
        <source>LoRA alpha:</source>
        <translation>LoRA-Alpha:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="222"/>
        <source>Target linears:</source>
        <translation>Ziel-Schichten:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="134"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="276"/>
        <source>A budget of %1 bits per parameter is below the least any allocation takes for this model and these targets: %2 bits per parameter (%3 MB); the calibration would refuse it.</source>
        <translation>Ein Budget von %1 Bits pro Parameter liegt unter dem Mindestbedarf jeder Zuteilung für dieses Modell und diese Ziele: %2 Bits pro Parameter (%3 MB); die Kalibrierung würde es ablehnen.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="287"/>
        <source>Choose a valid model first.</source>
        <translation>Wählen Sie zuerst ein gültiges Modell.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="304"/>
        <source>Compressed size ≈ %1 (codes %2, scales and zeros %3, LoRA %4, dense %5) — original %6, %7%</source>
        <translation>Komprimierte Größe ≈ %1 (Codes %2, Skalen und Nullpunkte %3, LoRA %4, dicht %5) — Original %6, %7 %</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="312"/>
        <source>Compressed size ≤ %1 (quantized linears %2 within the budget, dense %3) — original %4</source>
        <translation>Komprimierte Größe ≤ %1 (quantisierte Linearschichten %2 im Budget, dicht %3) — Original %4</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="316"/>
        <source>rtn has no adapters: ≈ %1</source>
        <translation>rtn hat keine Adapter: ≈ %1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="320"/>
        <source>Calibration peak memory ≈ %1 (%2 samples × %3 tokens)</source>
        <translation>Speicherspitze der Kalibrierung ≈ %1 (%2 Stichproben × %3 Token)</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="39"/>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="79"/>
        <source>Calibration data</source>
        <translation>Kalibrierungsdaten</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="40"/>
        <source>A plain-text file from which random windows of tokens are drawn.</source>
        <translation>Eine Textdatei, aus der zufällige Tokenfenster gezogen werden.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="43"/>
        <source>Text file</source>
        <translation>Textdatei</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="61"/>
        <source>Passes over the calibration samples per layer or block (apiq methods).</source>
        <translation>Durchläufe über die Kalibrierungsstichproben pro Schicht oder Block (apiq-Methoden).</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="64"/>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="65"/>
        <source>Samples:</source>
        <translation>Stichproben:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="66"/>
        <source>Sequence length:</source>
        <translation>Sequenzlänge:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="67"/>
        <source>Seed:</source>
        <translation>Startwert:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="68"/>
        <source>Epochs:</source>
        <translation>Epochen:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="80"/>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>Textdateien (*.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="105"/>
        <source>Choose a calibration text file.</source>
        <translation>Wählen Sie eine Kalibrierungs-Textdatei.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="107"/>
        <source>%1 does not exist or is not a file.</source>
        <translation>%1 existiert nicht oder ist keine Datei.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="109"/>
        <source>Sequence length %1 exceeds the model&apos;s context of %2 tokens.</source>
        <translation>Sequenzlänge %1 übersteigt den Kontext des Modells von %2 Token.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="117"/>
        <source>Device and output</source>
        <translation>Gerät und Ausgabe</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="118"/>
        <source>Where the calibration runs and where each method&apos;s checkpoint is written.</source>
        <translation>Wo die Kalibrierung läuft und wohin der Checkpoint jeder Methode geschrieben wird.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="127"/>
        <source>CPU threads for the calibration&apos;s tensor operations.</source>
        <translation>CPU-Threads für die Tensoroperationen der Kalibrierung.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="130"/>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="146"/>
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="131"/>
        <source>Each method writes its checkpoint to a subfolder named after it.</source>
        <translation>Jede Methode schreibt ihren Checkpoint in einen nach ihr benannten Unterordner.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="135"/>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="136"/>
        <source>Threads:</source>
        <translation>Threads:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="137"/>
        <source>Output folder:</source>
        <translation>Ausgabeordner:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="162"/>
        <source>Choose an output folder.</source>
        <translation>Wählen Sie einen Ausgabeordner.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="164"/>
        <source>%1 is a file, not a folder.</source>
        <translation>%1 ist eine Datei, kein Ordner.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="169"/>
        <source>%1 already exists; choose another output folder or remove it.</source>
        <translation>%1 existiert bereits; wählen Sie einen anderen Ausgabeordner oder entfernen Sie ihn.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="176"/>
        <source>Review</source>
        <translation>Überprüfung</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="177"/>
        <source>These jobs will be queued. Go back to change anything.</source>
        <translation>Diese Aufträge werden eingereiht. Gehen Sie zurück, um etwas zu ändern.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="191"/>
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="193"/>
        <source>Methods: %1</source>
        <translation>Methoden: %1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="195"/>
        <source>Quantization: memory budget of %1 bits per parameter (int; bits and group size chosen per linear), LoRA factors %2</source>
        <translation>Quantisierung: Speicherbudget von %1 Bits pro Parameter (int; Bits und Gruppengröße je Linearschicht gewählt), LoRA-Faktoren %2</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="197"/>
        <source>counted</source>
        <translation>mitgezählt</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="197"/>
        <source>not counted</source>
        <translation>nicht mitgezählt</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="199"/>
        <source>Quantization: %1-bit %2, group size %3</source>
        <translation>Quantisierung: %1 Bit %2, Gruppengröße %3</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="203"/>
        <source>LoRA: rank %1, alpha %2</source>
        <translation>LoRA: Rang %1, Alpha %2</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="204"/>
        <source>Target linears: %1</source>
        <translation>Ziel-Schichten: %1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="205"/>
        <source>Calibration data: %1, %2 samples × %3 tokens, seed %4, %5 epochs</source>
        <translation>Kalibrierungsdaten: %1, %2 Stichproben × %3 Token, Startwert %4, %5 Epochen</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="211"/>
        <source>Device: %1, %2 threads</source>
        <translation>Gerät: %1, %2 Threads</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_run_pages.cpp" line="214"/>
        <source>Jobs:</source>
        <translation>Aufträge:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="25"/>
        <source>%1 MB</source>
        <translation>%1 MB</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="35"/>
        <source>Uniform bits</source>
        <translation>Einheitliche Bits</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="35"/>
        <source>Memory budget</source>
        <translation>Speicherbudget</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="36"/>
        <source>Memory budget: each quantized linear gets its own bits (2, 3, 4, 8) and group size (32, 64, 128), chosen for the least rounding error within the budget.</source>
        <translation>Speicherbudget: Jede quantisierte Linearschicht erhält eigene Bits (2, 3, 4, 8) und eine eigene Gruppengröße (32, 64, 128), gewählt für den kleinsten Rundungsfehler innerhalb des Budgets.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="44"/>
        <source> bits per parameter</source>
        <translation> Bits pro Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="49"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="50"/>
        <source>Target size of the quantized linears (10⁶ bytes), converted to bits per parameter over their weights.</source>
        <translation>Zielgröße der quantisierten Linearschichten (10⁶ Byte), umgerechnet in Bits pro Parameter über ihre Gewichte.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="55"/>
        <source>Bits per parameter</source>
        <translation>Bits pro Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="55"/>
        <source>Target size (MB)</source>
        <translation>Zielgröße (MB)</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="56"/>
        <source>Count LoRA factors</source>
        <translation>LoRA-Faktoren mitzählen</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="59"/>
        <source>The fp32 LoRA factors of every linear count against the budget (they do not change with the choice). Off: the budget covers the quantized weights alone.</source>
        <translation>Die fp32-LoRA-Faktoren jeder Linearschicht zählen zum Budget (sie ändern sich mit der Wahl nicht). Aus: Das Budget umfasst nur die quantisierten Gewichte.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="141"/>
        <source>Memory budget unavailable: %1</source>
        <translation>Speicherbudget nicht verfügbar: %1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="150"/>
        <source>Any allocation takes between %1 and %2 bits per parameter (%3 to %4) over %5 quantized parameters.</source>
        <translation>Jede Zuteilung belegt zwischen %1 und %2 Bits pro Parameter (%3 bis %4) über %5 quantisierte Parameter.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="154"/>
        <source>This budget: %1 bits per parameter, at most %2 for the quantized linears.</source>
        <translation>Dieses Budget: %1 Bits pro Parameter, höchstens %2 für die quantisierten Linearschichten.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard_budget.cpp" line="157"/>
        <source>Above the most any allocation takes: every linear gets its largest configuration.</source>
        <translation>Über dem Höchstbedarf jeder Zuteilung: Jede Linearschicht erhält ihre größte Konfiguration.</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::JobsPanel</name>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="23"/>
        <location filename="../widgets/jobs_panel.cpp" line="44"/>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="24"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>Elapsed</source>
        <translation>Vergangen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25"/>
        <source>Remaining</source>
        <translation>Verbleibend</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="43"/>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="43"/>
        <location filename="../widgets/jobs_panel.cpp" line="71"/>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="44"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="59"/>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="81"/>
        <source>Finished</source>
        <translation>Fertig</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::LinearBits</name>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="59"/>
        <source>%1 stored bits per parameter (codes, scales, zero points and LoRA factors)</source>
        <translation>%1 gespeicherte Bits pro Parameter (Codes, Skalen, Nullpunkte und LoRA-Faktoren)</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="62"/>
        <source>no quantized linears</source>
        <translation>keine quantisierten Linearschichten</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="64"/>
        <source>LoRA counted</source>
        <translation>LoRA mitgezählt</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="65"/>
        <source>LoRA not counted</source>
        <translation>LoRA nicht mitgezählt</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="66"/>
        <source>budget %1 bits per parameter, %2</source>
        <translation>Budget %1 Bits pro Parameter, %2</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="69"/>
        <source>uniform</source>
        <translation>einheitlich</translation>
    </message>
    <message>
        <location filename="../widgets/linear_bits.cpp" line="76"/>
        <source>not quantized (stored dense)</source>
        <translation>nicht quantisiert (dicht gespeichert)</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::LinearHeatMap</name>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="81"/>
        <source>Export PNG…</source>
        <translation>Als PNG exportieren…</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="83"/>
        <source>Per linear:</source>
        <translation>Je Schicht:</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="95"/>
        <source>Linear</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="96"/>
        <source>Block</source>
        <translation>Block</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="117"/>
        <source>No finetuned adapter</source>
        <translation>Kein feinabgestimmter Adapter</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="122"/>
        <source>Rank</source>
        <translation>Rang</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="123"/>
        <source>Bits</source>
        <translation>Bits</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="124"/>
        <source>Group size</source>
        <translation>Gruppengröße</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="125"/>
        <source>Bits of A</source>
        <translation>Bits von A</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="126"/>
        <source>Bits of B</source>
        <translation>Bits von B</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="127"/>
        <source>Bits of E</source>
        <translation>Bits von E</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="128"/>
        <source>Trainable parameters</source>
        <translation>Trainierbare Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="129"/>
        <source>Stored bits</source>
        <translation>Gespeicherte Bits</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="130"/>
        <source>Memory (bits)</source>
        <translation>Speicher (Bits)</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="131"/>
        <source>Bit operations</source>
        <translation>Bit-Operationen</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="132"/>
        <source>Input pool</source>
        <translation>Eingabe-Pool</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="133"/>
        <source>Output pool</source>
        <translation>Ausgabe-Pool</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="155"/>
        <source>%1: no adapter linears in the report</source>
        <translation>%1: keine Adapter-Schichten im Bericht</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="160"/>
        <source>no adapter (not quantized)</source>
        <translation>kein Adapter (nicht quantisiert)</translation>
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
        <translation>Block %1 %2</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="257"/>
        <location filename="../widgets/linear_heat_map.cpp" line="260"/>
        <source>Export Map</source>
        <translation>Karte exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="243"/>
        <source>%1 — %2: %3</source>
        <translation>%1 — %2: %3</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="243"/>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <location filename="../widgets/linear_heat_map.cpp" line="260"/>
        <source>Could not write %1</source>
        <translation>%1 konnte nicht geschrieben werden</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::LossChart</name>
    <message>
        <location filename="../widgets/live_charts.cpp" line="27"/>
        <source>Optimizer step</source>
        <translation>Optimierungsschritt</translation>
    </message>
    <message>
        <location filename="../widgets/live_charts.cpp" line="28"/>
        <source>Training loss</source>
        <translation>Trainingsverlust</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ModelTreeModel</name>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10"/>
        <source>Module / tensor</source>
        <translation>Modul / Tensor</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10"/>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10"/>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="56"/>
        <source>Embedding</source>
        <translation>Einbettung</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="57"/>
        <source>Blocks (%1)</source>
        <translation>Blöcke (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="58"/>
        <source>Final norm and head</source>
        <translation>Letzte Norm und Kopf</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="65"/>
        <source>%1-bit</source>
        <translation>%1 Bit</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="66"/>
        <source>group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="67"/>
        <source>rank %1</source>
        <translation>Rang %1</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="68"/>
        <source>Quantization</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="68"/>
        <source>Quantization (%1)</source>
        <translation>Quantisierung (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="78"/>
        <source>Block %1</source>
        <translation>Block %1</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="79"/>
        <source>Attention</source>
        <translation>Attention</translation>
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
        <translation>Perplexität berechnen</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="68"/>
        <source>Add run…</source>
        <translation>Lauf hinzufügen…</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="69"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="70"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="71"/>
        <source>Text file for perplexity</source>
        <translation>Textdatei für die Perplexität</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="75"/>
        <source>windows of </source>
        <translation>Fenster zu </translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="76"/>
        <source> tokens</source>
        <translation> Token</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="79"/>
        <source>every window</source>
        <translation>alle Fenster</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="80"/>
        <source>at most </source>
        <translation>höchstens </translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="86"/>
        <source>Perplexity on:</source>
        <translation>Perplexität auf:</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="102"/>
        <source>Error along depth</source>
        <translation>Fehler über die Tiefe</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="103"/>
        <source>Every linear</source>
        <translation>Jede lineare Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="104"/>
        <source>Finetuned adapter</source>
        <translation>Feinabgestimmter Adapter</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="105"/>
        <source>Bits per linear</source>
        <translation>Bits je Linearschicht</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="120"/>
        <source>Text for Perplexity</source>
        <translation>Text für die Perplexität</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="195"/>
        <source>A run saved in the comparison could not be read and was left out: %1</source>
        <translation>Ein im Vergleich gespeicherter Lauf konnte nicht gelesen werden und wurde weggelassen: %1</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="283"/>
        <source>Block</source>
        <translation>Block</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="283"/>
        <source>Linear</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="315"/>
        <source>None of the compared runs was finetuned.</source>
        <translation>Keiner der verglichenen Läufe wurde feinabgestimmt.</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="321"/>
        <source>The full-precision model has no adapter.</source>
        <translation>Das Modell in voller Genauigkeit hat keinen Adapter.</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="321"/>
        <source>%1 was not finetuned.</source>
        <translation>%1 wurde nicht feinabgestimmt.</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="335"/>
        <source>No run to show.</source>
        <translation>Kein Lauf anzuzeigen.</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="341"/>
        <source>The full-precision model is not quantized.</source>
        <translation>Das Modell in voller Genauigkeit ist nicht quantisiert.</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="364"/>
        <source>Choose a text file for the perplexity first.</source>
        <translation>Wählen Sie zuerst eine Textdatei für die Perplexität.</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="383"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="405"/>
        <source>Perplexity failed: %1</source>
        <translation>Perplexität fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="422"/>
        <source>Add a Finished Run or Quantized Checkpoint</source>
        <translation>Abgeschlossenen Lauf oder quantisierten Checkpoint hinzufügen</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="426"/>
        <source>Could not add %1: %2</source>
        <translation>%1 konnte nicht hinzugefügt werden: %2</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::TensorStatsView</name>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="29"/>
        <location filename="../widgets/tensor_stats_view.cpp" line="90"/>
        <source>Select a tensor or a linear in the model tree to see its statistics.</source>
        <translation>Wählen Sie im Modellbaum einen Tensor oder eine lineare Schicht, um ihre Statistik zu sehen.</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Tensor</source>
        <translation>Tensor</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Elements</source>
        <translation>Elemente</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Min</source>
        <translation>Min</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Max</source>
        <translation>Max</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Mean</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>Std</source>
        <translation>Std.-Abw.</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>|Max|</source>
        <translation>|Max|</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="33"/>
        <source>NaN</source>
        <translation>NaN</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="44"/>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="66"/>
        <source>Computing statistics of %1…</source>
        <translation>Statistik von %1 wird berechnet…</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_stats_view.cpp" line="96"/>
        <source>Statistics unavailable: %1</source>
        <translation>Statistik nicht verfügbar: %1</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::TensorTableModel</name>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="111"/>
        <source>Tensor</source>
        <translation>Tensor</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="112"/>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="113"/>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="114"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="115"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ZeroCensusModel</name>
    <message numerus="yes">
        <location filename="../widgets/zero_census_model.cpp" line="91"/>
        <source>%n group(s) with zero point 0: a GPTQ v1 export cannot store them</source>
        <translation>
            <numerusform>%n Gruppe mit Nullpunkt 0: ein GPTQ-v1-Export kann sie nicht speichern</numerusform>
            <numerusform>%n Gruppen mit Nullpunkt 0: ein GPTQ-v1-Export kann sie nicht speichern</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="101"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="111"/>
        <source>Linear</source>
        <translation>Lineare Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="112"/>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="113"/>
        <source>Zero point 0</source>
        <translation>Nullpunkt 0</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="114"/>
        <source>Share</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_model.cpp" line="115"/>
        <source>Zero points (value: groups)</source>
        <translation>Nullpunkte (Wert: Gruppen)</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ZeroCensusView</name>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="37"/>
        <source>Zero point</source>
        <translation>Nullpunkt</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="38"/>
        <source>Groups (all linears)</source>
        <translation>Gruppen (alle linearen Schichten)</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="58"/>
        <source>Counting zero points in %1…</source>
        <translation>Nullpunkte in %1 werden gezählt…</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="77"/>
        <source>Could not count the zero points: %1</source>
        <translation>Die Nullpunkte konnten nicht gezählt werden: %1</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="78"/>
        <source>Open a quantized checkpoint to see its zero-point census.</source>
        <translation>Öffnen Sie einen quantisierten Checkpoint, um seine Nullpunkt-Zählung zu sehen.</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="80"/>
        <source>%1 has no integer zero points (not an ApiQ Studio quantized checkpoint, or NormalFloat codes).</source>
        <translation>%1 hat keine ganzzahligen Nullpunkte (kein quantisierter ApiQ-Studio-Checkpoint oder NormalFloat-Codes).</translation>
    </message>
    <message>
        <location filename="../widgets/zero_census_view.cpp" line="84"/>
        <source>&lt;b&gt;%1 of %2 groups&lt;/b&gt; (%3 %) in %4 linears have zero point 0. A GPTQ v1 export stores zero − 1 and cannot hold them; gptq-v2 and compressed-tensors are lossless.</source>
        <translation>&lt;b&gt;%1 von %2 Gruppen&lt;/b&gt; (%3 %) in %4 linearen Schichten haben Nullpunkt 0. Ein GPTQ-v1-Export speichert Nullpunkt − 1 und kann sie nicht aufnehmen; gptq-v2 und compressed-tensors sind verlustfrei.</translation>
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
        <translation>Zu öffnender Modellordner.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="84"/>
        <source>Run the screenshot tour and save PNGs to &lt;dir&gt;.</source>
        <translation>Die Bildschirmfoto-Tour ausführen und PNGs in &lt;dir&gt; speichern.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="86"/>
        <source>Calibration text for the tour.</source>
        <translation>Kalibrierungstext für die Tour.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="90"/>
        <source>Write the comparison of the run folders given as arguments (charts as PNG, SVG and CSV, the summary as CSV) into &lt;dir&gt;, without a window.</source>
        <translation>Schreibt den Vergleich der als Argumente übergebenen Laufordner (Diagramme als PNG, SVG und CSV, die Übersicht als CSV) ohne Fenster nach &lt;dir&gt;.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="94"/>
        <source>Compute the comparison&apos;s perplexities on &lt;file&gt;.</source>
        <translation>Berechnet die Perplexitäten des Vergleichs auf &lt;file&gt;.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="96"/>
        <source>Perplexity window.</source>
        <translation>Fenster der Perplexität.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="99"/>
        <source>Score at most this many windows (0: all).</source>
        <translation>Höchstens so viele Fenster bewerten (0: alle).</translation>
    </message>
</context>
</TS>
