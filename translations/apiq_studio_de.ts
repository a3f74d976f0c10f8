<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
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
        <translation>Öffnen Sie einen Modellordner (config.json, safetensors, tokenizer.model) oder ziehen Sie ihn hierher.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="44"/>
        <source>&amp;Open Model Folder…</source>
        <translation>Modellordner ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="47"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="50"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="54"/>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="66"/>
        <source>Device: CUDA (%n GPU(s))</source>
        <translation>
            <numerusform>Gerät: CUDA (%n GPU)</numerusform>
            <numerusform>Gerät: CUDA (%n GPUs)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="67"/>
        <source>Device: CPU</source>
        <translation>Gerät: CPU</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="72"/>
        <source>Open Model Folder</source>
        <translation>Modellordner öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="79"/>
        <source>Reading %1…</source>
        <translation>Lese %1…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="94"/>
        <location filename="../app/gui/main_window.cpp" line="96"/>
        <source>Could not open the model</source>
        <translation>Das Modell konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="102"/>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2, %3 blocks, hidden %4, %5 heads (%6 key/value), vocabulary %7 — %8 tensors, %9 parameters, %10</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2, %3 Blöcke, verborgene Größe %4, %5 Köpfe (%6 Key/Value), Vokabular %7 — %8 Tensoren, %9 Parameter, %10</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="113"/>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
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
        <translation>Tensor</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="96"/>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="97"/>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="98"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="99"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
</context>
</TS>
