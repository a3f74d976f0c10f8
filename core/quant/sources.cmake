# Sources of core/quant/. APIQ_LAYER_PLAIN_SOURCES need no LibTorch (they also build apiq_plain,
# which fuzzers and small tools link).
set(APIQ_LAYER_SOURCES adjacent_packed.cpp group_quantizer.cpp load_model.cpp nf_double_quant.cpp nf_quantizer.cpp packed_matmul.cpp packing.cpp quant_linear.cpp quantized_checkpoint.cpp stored_zeros.cpp zero_census.cpp)
set(APIQ_LAYER_PLAIN_SOURCES mc_knapsack.cpp quant_spec.cpp quantizer_options.cpp)
