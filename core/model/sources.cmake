# Sources of core/model/. APIQ_LAYER_PLAIN_SOURCES need no LibTorch (they also build apiq_plain,
# which fuzzers and small tools link).
set(APIQ_LAYER_SOURCES evaluation.cpp llama_block.cpp llama_model.cpp lora.cpp static_decoder.cpp)
set(APIQ_LAYER_PLAIN_SOURCES )
