# Sources of core/finetune/. APIQ_LAYER_PLAIN_SOURCES need no LibTorch (they also build apiq_plain,
# which fuzzers and small tools link).
set(APIQ_LAYER_SOURCES chat_data.cpp finetune.cpp finetune_model.cpp gsm8k_eval.cpp merge_adapter.cpp sft_data.cpp)
set(APIQ_LAYER_PLAIN_SOURCES )
