# Sources of core/model/. APIQ_LAYER_PLAIN_SOURCES need no LibTorch (they also build apiq_plain,
# which fuzzers and small tools link).
set(APIQ_LAYER_SOURCES adapter.cpp evaluation.cpp llama_block.cpp llama_model.cpp lora.cpp fused_decode.cpp static_decoder.cpp
    adapters/adapter_math.cpp adapters/adapter_table.cpp adapters/lora_kind.cpp adapters/qbara.cpp adapters/qahira.cpp
    adapters/blora.cpp)
set(APIQ_LAYER_PLAIN_SOURCES adapter_options.cpp)
