# Sources of core/methods/. APIQ_LAYER_PLAIN_SOURCES need no LibTorch (they also build apiq_plain,
# which fuzzers and small tools link).
set(APIQ_LAYER_SOURCES apiq_bw.cpp apiq_lw.cpp apiq_training.cpp block_context.cpp loftq.cpp lq_lora.cpp method.cpp method_table.cpp qlora.cpp rtn.cpp step_graph.cpp)
set(APIQ_LAYER_PLAIN_SOURCES )
