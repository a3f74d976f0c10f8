# Sources of core/calibration/. APIQ_LAYER_PLAIN_SOURCES need no LibTorch (they also build apiq_plain,
# which fuzzers and small tools link).
set(APIQ_LAYER_SOURCES block_measure.cpp budget_allocation.cpp calibration.cpp fisher.cpp heldout_error.cpp run_summary.cpp comparison_table.cpp)
set(APIQ_LAYER_PLAIN_SOURCES calibration_report.cpp)
