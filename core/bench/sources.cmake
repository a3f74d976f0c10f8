# Sources of core/bench/. APIQ_LAYER_PLAIN_SOURCES need no LibTorch (they also build apiq_plain,
# which fuzzers and small tools link).
set(APIQ_LAYER_SOURCES bench_e2e.cpp bench_timer.cpp finetune_bench.cpp kernel_bench.cpp quantize_bench.cpp random_packed_model.cpp)
set(APIQ_LAYER_PLAIN_SOURCES )
