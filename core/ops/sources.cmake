# Sources of core/ops/. APIQ_LAYER_PLAIN_SOURCES need no LibTorch (they also build apiq_plain,
# which fuzzers and small tools link).
set(APIQ_LAYER_SOURCES autocast.cpp cuda_ops.cpp cuda_quant_ops.cpp decode_ops.cpp fused_adamw.cpp train_ops.cpp)
set(APIQ_LAYER_PLAIN_SOURCES )
