<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE">
<context>
    <name>apiq::app::MainWindow</name>
    <message>
        <location filename="../app/gui/main_window.cpp" line="45" />
        <source>ApiQ Studio</source>
        <translation>ApiQ Studio</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="52" />
        <source>Open a model folder (config.json, safetensors, tokenizer.model) or drop it here.</source>
        <translation>Öffnen Sie einen Modellordner (config.json, safetensors, tokenizer.model) oder ziehen Sie ihn hierher.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="61" />
        <source>Tensors</source>
        <translation>Tensoren</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="70" />
        <source>Live activation error</source>
        <translation>Aktivierungsfehler live</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="71" />
        <source>Comparison</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="76" />
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="80" />
        <source>Jobs</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="85" />
        <source>&amp;Open Model Folder…</source>
        <translation>Modellordner ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="88" />
        <source>&amp;Quantize…</source>
        <translation>&amp;Quantisieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="91" />
        <source>&amp;Compare Runs…</source>
        <translation>Läufe &amp;vergleichen…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="93" />
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="96" />
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="98" />
        <source>Recent Models</source>
        <translation>Zuletzt geöffnete Modelle</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="103" />
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="106" />
        <source>&amp;Dark Palette</source>
        <translation>&amp;Dunkle Farbpalette</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="109" />
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="112" />
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="121" />
        <source>The language changes when ApiQ Studio is started again.</source>
        <translation>Die Sprache ändert sich beim nächsten Start von ApiQ Studio.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="124" />
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="150" />
        <source>Device: CUDA, %n GPU(s)</source>
        <translation>
            <numerusform>Gerät: CUDA, %n GPU</numerusform>
            <numerusform>Gerät: CUDA, %n GPUs</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="151" />
        <source>Device: CPU, %1 GiB free</source>
        <translation>Gerät: CPU, %1 GiB frei</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="291" />
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="292" />
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="293" />
        <source>Calibration failed</source>
        <translation>Kalibrierung fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="178" />
        <source>Open Model Folder</source>
        <translation>Modellordner öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="198" />
        <source>Add a Finished Run (Cancel when done)</source>
        <translation>Abgeschlossenen Lauf hinzufügen (Abbrechen, wenn fertig)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="210" />
        <source>Could not compare the runs</source>
        <translation>Die Läufe konnten nicht verglichen werden</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="225" />
        <source>Reading %1…</source>
        <translation>Lese %1…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="240" />
        <source>Could not open the model</source>
        <translation>Das Modell konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="248" />
        <source>&lt;b&gt;%1&lt;/b&gt; — %2, %3 blocks, hidden %4, %5 heads (%6 key/value), vocabulary %7 — %8 tensors, %9 parameters, %10</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2, %3 Blöcke, verborgene Größe %4, %5 Köpfe (%6 Key/Value), Vokabular %7 — %8 Tensoren, %9 Parameter, %10</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="265" />
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="266" />
        <source>ApiQ Studio — %1</source>
        <translation>ApiQ Studio — %1</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ActivationErrorChart</name>
    <message>
        <location filename="../widgets/activation_error_chart.cpp" line="22" />
        <source>Layer (block × 7 + linear)</source>
        <translation>Schicht (Block × 7 + Linear)</translation>
    </message>
    <message>
        <location filename="../widgets/activation_error_chart.cpp" line="23" />
        <source>Activation error per token</source>
        <translation>Aktivierungsfehler pro Token</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::CalibrationJob</name>
    <message>
        <location filename="../widgets/calibration_job.cpp" line="49" />
        <source>Finished</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location filename="../widgets/calibration_job.cpp" line="70" />
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ErrorHeatMap</name>
    <message>
        <location filename="../widgets/live_charts.cpp" line="57" />
        <source>Linear (q, k, v, o, gate, up, down)</source>
        <translation>Schicht (q, k, v, o, gate, up, down)</translation>
    </message>
    <message>
        <location filename="../widgets/live_charts.cpp" line="58" />
        <source>Block</source>
        <translation>Block</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::JobWizard</name>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="85" />
        <source>New calibration job</source>
        <translation>Neuer Kalibrierungsauftrag</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="100" />
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="101" />
        <source>Choose the folder of a full-precision Llama model (config.json, weights, tokenizer).</source>
        <translation>Wählen Sie den Ordner eines Llama-Modells in voller Genauigkeit (config.json, Gewichte, Tokenizer).</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="104" />
        <location filename="../widgets/job_wizard.cpp" line="116" />
        <source>Model folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="105" />
        <location filename="../widgets/job_wizard.cpp" line="354" />
        <location filename="../widgets/job_wizard.cpp" line="442" />
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="134" />
        <source>No model chosen yet.</source>
        <translation>Noch kein Modell gewählt.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="144" />
        <source>%1 · %2 blocks · hidden %3 · intermediate %4 · %5 heads (%6 kv) · vocab %7 · %8 parameters</source>
        <translation>%1 · %2 Blöcke · verborgen %3 · Zwischenschicht %4 · %5 Köpfe (%6 KV) · Vokabular %7 · %8 Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="162" />
        <source>Methods</source>
        <translation>Methoden</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="163" />
        <source>Choose one or more methods; several at once are run one after another for a comparison.</source>
        <translation>Wählen Sie eine oder mehrere Methoden; mehrere werden für einen Vergleich nacheinander ausgeführt.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="166" />
        <source>rtn: round to nearest, no adapters (baseline)</source>
        <translation>rtn: Rundung zum nächsten Wert, ohne Adapter (Referenz)</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="167" />
        <source>qlora: round to nearest, LoRA initialised as in QLoRA (B = 0)</source>
        <translation>qlora: Rundung zum nächsten Wert, LoRA wie bei QLoRA initialisiert (B = 0)</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="168" />
        <source>loftq: alternating quantization and SVD initialisation of the adapters</source>
        <translation>loftq: abwechselnde Quantisierung und SVD-Initialisierung der Adapter</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="169" />
        <source>apiq-lw: ApiQ layer by layer, learnable clipping and LoRA trained on activations</source>
        <translation>apiq-lw: ApiQ Schicht für Schicht, lernbares Clipping und LoRA auf Aktivierungen trainiert</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="170" />
        <source>apiq-bw: ApiQ block by block (the paper's default)</source>
        <translation>apiq-bw: ApiQ Block für Block (Standard des Artikels)</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="181" />
        <source>Choose at least one method.</source>
        <translation>Wählen Sie mindestens eine Methode.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="196" />
        <source>Quantization</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="197" />
        <source>Bit width, group size and the LoRA adapters' rank and alpha.</source>
        <translation>Bitbreite, Gruppengröße sowie Rang und Alpha der LoRA-Adapter.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="205" />
        <source>Consecutive input columns of a row that share one scale and zero point (int format).</source>
        <translation>Aufeinanderfolgende Eingabespalten einer Zeile, die sich Skala und Nullpunkt teilen (int-Format).</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="215" />
        <source>LoRA scaling is alpha / rank.</source>
        <translation>Die LoRA-Skalierung ist Alpha / Rang.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="219" />
        <source>int: uniform integer groups; nf: NormalFloat with per-block absmax (no learnable clipping).</source>
        <translation>int: gleichmäßige Ganzzahlgruppen; nf: NormalFloat mit Absolutmaximum pro Block (kein lernbares Clipping).</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="225" />
        <source>The linears to quantize. The choice is kept in the job specification; the calibration core currently quantizes all seven linears of every block regardless.</source>
        <translation>Die zu quantisierenden linearen Schichten. Die Auswahl wird in der Auftragsbeschreibung gespeichert; der Kalibrierungskern quantisiert derzeit dennoch alle sieben linearen Schichten jedes Blocks.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="247" />
        <source>Bits:</source>
        <translation>Bits:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="248" />
        <source>Group size:</source>
        <translation>Gruppengröße:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="249" />
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="250" />
        <source>LoRA rank:</source>
        <translation>LoRA-Rang:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="251" />
        <source>LoRA alpha:</source>
        <translation>LoRA-Alpha:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="252" />
        <source>Target linears:</source>
        <translation>Ziel-Schichten:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="293" />
        <source>Group size %1 does not fit: the narrowest linear of this model has only %2 input features. Choose a group size of at most %2.</source>
        <translation>Gruppengröße %1 passt nicht: Die schmalste lineare Schicht dieses Modells hat nur %2 Eingabemerkmale. Wählen Sie höchstens %2.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="298" />
        <source>The nf format cannot be used with apiq-lw or apiq-bw: ApiQ learns the clipping of integer groups. Choose the int format or drop the apiq methods.</source>
        <translation>Das nf-Format ist mit apiq-lw und apiq-bw nicht nutzbar: ApiQ lernt das Clipping von Ganzzahlgruppen. Wählen Sie das int-Format oder verzichten Sie auf die apiq-Methoden.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="300" />
        <source>nf supports 2, 3 or 4 bits only.</source>
        <translation>nf unterstützt nur 2, 3 oder 4 Bits.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="303" />
        <source>Rank %1 is larger than the smallest linear dimension of this model (%2): a LoRA rank cannot exceed min(in, out). Choose a rank of at most %2.</source>
        <translation>Rang %1 ist größer als die kleinste Dimension einer linearen Schicht dieses Modells (%2): Ein LoRA-Rang kann min(ein, aus) nicht überschreiten. Wählen Sie höchstens %2.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="307" />
        <source>LoRA alpha must be positive.</source>
        <translation>LoRA-Alpha muss positiv sein.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="308" />
        <source>Choose at least one target linear.</source>
        <translation>Wählen Sie mindestens eine Ziel-Schicht.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="315" />
        <source>Choose a valid model first.</source>
        <translation>Wählen Sie zuerst ein gültiges Modell.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="329" />
        <source>Compressed size ≈ %1 (codes %2, scales and zeros %3, LoRA %4, dense %5) — original %6, %7%</source>
        <translation>Komprimierte Größe ≈ %1 (Codes %2, Skalen und Nullpunkte %3, LoRA %4, dicht %5) — Original %6, %7 %</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="335" />
        <source>rtn has no adapters: ≈ %1</source>
        <translation>rtn hat keine Adapter: ≈ %1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="339" />
        <source>Calibration peak memory ≈ %1 (%2 samples × %3 tokens)</source>
        <translation>Speicherspitze der Kalibrierung ≈ %1 (%2 Stichproben × %3 Token)</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="349" />
        <location filename="../widgets/job_wizard.cpp" line="389" />
        <source>Calibration data</source>
        <translation>Kalibrierungsdaten</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="350" />
        <source>A plain-text file from which random windows of tokens are drawn.</source>
        <translation>Eine Textdatei, aus der zufällige Tokenfenster gezogen werden.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="353" />
        <source>Text file</source>
        <translation>Textdatei</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="371" />
        <source>Passes over the calibration samples per layer or block (apiq methods).</source>
        <translation>Durchläufe über die Kalibrierungsstichproben pro Schicht oder Block (apiq-Methoden).</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="374" />
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="375" />
        <source>Samples:</source>
        <translation>Stichproben:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="376" />
        <source>Sequence length:</source>
        <translation>Sequenzlänge:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="377" />
        <source>Seed:</source>
        <translation>Startwert:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="378" />
        <source>Epochs:</source>
        <translation>Epochen:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="390" />
        <source>Text files (*.txt);;All files (*)</source>
        <translation>Textdateien (*.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="415" />
        <source>Choose a calibration text file.</source>
        <translation>Wählen Sie eine Kalibrierungs-Textdatei.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="417" />
        <source>%1 does not exist or is not a file.</source>
        <translation>%1 existiert nicht oder ist keine Datei.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="419" />
        <source>Sequence length %1 exceeds the model's context of %2 tokens.</source>
        <translation>Sequenzlänge %1 übersteigt den Kontext des Modells von %2 Token.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="427" />
        <source>Device and output</source>
        <translation>Gerät und Ausgabe</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="428" />
        <source>Where the calibration runs and where each method's checkpoint is written.</source>
        <translation>Wo die Kalibrierung läuft und wohin der Checkpoint jeder Methode geschrieben wird.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="437" />
        <source>CPU threads for the calibration's tensor operations.</source>
        <translation>CPU-Threads für die Tensoroperationen der Kalibrierung.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="440" />
        <location filename="../widgets/job_wizard.cpp" line="456" />
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="441" />
        <source>Each method writes its checkpoint to a subfolder named after it.</source>
        <translation>Jede Methode schreibt ihren Checkpoint in einen nach ihr benannten Unterordner.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="445" />
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="446" />
        <source>Threads:</source>
        <translation>Threads:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="447" />
        <source>Output folder:</source>
        <translation>Ausgabeordner:</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="472" />
        <source>Choose an output folder.</source>
        <translation>Wählen Sie einen Ausgabeordner.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="474" />
        <source>%1 is a file, not a folder.</source>
        <translation>%1 ist eine Datei, kein Ordner.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="479" />
        <source>%1 already exists; choose another output folder or remove it.</source>
        <translation>%1 existiert bereits; wählen Sie einen anderen Ausgabeordner oder entfernen Sie ihn.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="486" />
        <source>Review</source>
        <translation>Überprüfung</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="487" />
        <source>These jobs will be queued. Go back to change anything.</source>
        <translation>Diese Aufträge werden eingereiht. Gehen Sie zurück, um etwas zu ändern.</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="501" />
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="503" />
        <source>Methods: %1</source>
        <translation>Methoden: %1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="504" />
        <source>Quantization: %1-bit %2, group size %3</source>
        <translation>Quantisierung: %1 Bit %2, Gruppengröße %3</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="508" />
        <source>LoRA: rank %1, alpha %2</source>
        <translation>LoRA: Rang %1, Alpha %2</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="509" />
        <source>Target linears: %1</source>
        <translation>Ziel-Schichten: %1</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="510" />
        <source>Calibration data: %1, %2 samples × %3 tokens, seed %4, %5 epochs</source>
        <translation>Kalibrierungsdaten: %1, %2 Stichproben × %3 Token, Startwert %4, %5 Epochen</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="516" />
        <source>Device: %1, %2 threads</source>
        <translation>Gerät: %1, %2 Threads</translation>
    </message>
    <message>
        <location filename="../widgets/job_wizard.cpp" line="518" />
        <source>Jobs:</source>
        <translation>Aufträge:</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::JobsPanel</name>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="23" />
        <location filename="../widgets/jobs_panel.cpp" line="44" />
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="24" />
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25" />
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25" />
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25" />
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25" />
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25" />
        <source>Elapsed</source>
        <translation>Vergangen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="25" />
        <source>Remaining</source>
        <translation>Verbleibend</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="43" />
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="43" />
        <location filename="../widgets/jobs_panel.cpp" line="71" />
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="44" />
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="59" />
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="81" />
        <source>Finished</source>
        <translation>Fertig</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::LossChart</name>
    <message>
        <location filename="../widgets/live_charts.cpp" line="26" />
        <source>Optimizer step</source>
        <translation>Optimierungsschritt</translation>
    </message>
    <message>
        <location filename="../widgets/live_charts.cpp" line="27" />
        <source>Training loss</source>
        <translation>Trainingsverlust</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::ModelTreeModel</name>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10" />
        <source>Module / tensor</source>
        <translation>Modul / Tensor</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10" />
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10" />
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10" />
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="10" />
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="56" />
        <source>Embedding</source>
        <translation>Einbettung</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="57" />
        <source>Blocks (%1)</source>
        <translation>Blöcke (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="58" />
        <source>Final norm and head</source>
        <translation>Letzte Norm und Kopf</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="62" />
        <source>Block %1</source>
        <translation>Block %1</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="63" />
        <source>Attention</source>
        <translation>Attention</translation>
    </message>
    <message>
        <location filename="../widgets/model_tree_model.cpp" line="64" />
        <source>MLP</source>
        <translation>MLP</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::RunComparisonWidget</name>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="62" />
        <source>Block</source>
        <translation>Block</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="62" />
        <source>Linear</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="86" />
        <source>mean activation error</source>
        <translation>mittlerer Aktivierungsfehler</translation>
    </message>
    <message>
        <location filename="../widgets/run_comparison.cpp" line="87" />
        <source>mean block output MSE</source>
        <translation>mittlerer MSE der Blockausgabe</translation>
    </message>
</context>
<context>
    <name>apiq::widgets::TensorTableModel</name>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="95" />
        <source>Tensor</source>
        <translation>Tensor</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="96" />
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="97" />
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="98" />
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../widgets/tensor_table_model.cpp" line="99" />
        <source>Size</source>
        <translation>Größe</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/gui/main.cpp" line="26" />
        <source>ApiQ Studio</source>
        <translation>ApiQ Studio</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="29" />
        <source>Model folder to open.</source>
        <translation>Zu öffnender Modellordner.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="31" />
        <source>Run the screenshot tour and save PNGs to &lt;dir&gt;.</source>
        <translation>Die Bildschirmfoto-Tour ausführen und PNGs in &lt;dir&gt; speichern.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="33" />
        <source>Calibration text for the tour.</source>
        <translation>Kalibrierungstext für die Tour.</translation>
    </message>
</context>
</TS>