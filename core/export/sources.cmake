# Sources of core/export/. APIQ_LAYER_PLAIN_SOURCES need no LibTorch (they also build apiq_plain,
# which fuzzers and small tools link).
set(APIQ_LAYER_SOURCES export.cpp export_compressed_tensors.cpp export_gptq.cpp export_hf.cpp export_packed.cpp export_peft.cpp export_source.cpp format_table.cpp fused_linears.cpp)
set(APIQ_LAYER_PLAIN_SOURCES )
