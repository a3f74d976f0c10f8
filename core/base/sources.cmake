# Sources of core/base/. APIQ_LAYER_PLAIN_SOURCES need no LibTorch (they also build apiq_plain,
# which fuzzers and small tools link).
set(APIQ_LAYER_SOURCES deferred_scalar.cpp device_info.cpp torch_warnings.cpp)
set(APIQ_LAYER_PLAIN_SOURCES fs_util.cpp interrupt.cpp output_folder.cpp)
