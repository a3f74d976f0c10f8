# Locates LibTorch inside a Python torch installation (the PyPI wheel) and defines the
# imported target apiq::torch. We do not use TorchConfig.cmake: it drags in Torch's own
# CUDA/cuDNN detection, which must not decide whether our build works.
#
# Inputs: LIBTORCH_DIR (the torch package folder) or APIQ_PYTHON (an interpreter with torch).
# Outputs: LibTorch_FOUND, LIBTORCH_DIR, LIBTORCH_HAS_CUDA, LIBTORCH_VERSION, target apiq::torch.

if(NOT LIBTORCH_DIR OR NOT DEFINED LIBTORCH_VERSION)
  if(NOT APIQ_PYTHON)
    find_program(APIQ_PYTHON NAMES python3 python)
  endif()
  execute_process(
    COMMAND "${APIQ_PYTHON}" -c "import os,torch;print(os.path.dirname(torch.__file__));print(torch.__version__);print(int(torch._C._GLIBCXX_USE_CXX11_ABI))"
    OUTPUT_VARIABLE _apiq_torch_out RESULT_VARIABLE _apiq_torch_rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(_apiq_torch_rc EQUAL 0)
    string(REPLACE "\n" ";" _apiq_torch_lines "${_apiq_torch_out}")
    list(GET _apiq_torch_lines 0 _dir)
    list(GET _apiq_torch_lines 1 LIBTORCH_VERSION)
    list(GET _apiq_torch_lines 2 LIBTORCH_CXX11_ABI)
    set(LIBTORCH_DIR "${_dir}" CACHE PATH "torch package folder holding include/ and lib/")
  endif()
endif()
if(NOT DEFINED LIBTORCH_CXX11_ABI)
  set(LIBTORCH_CXX11_ABI 1)
endif()

find_library(LIBTORCH_LIB torch PATHS "${LIBTORCH_DIR}/lib" NO_DEFAULT_PATH)
find_library(LIBTORCH_CPU_LIB torch_cpu PATHS "${LIBTORCH_DIR}/lib" NO_DEFAULT_PATH)
find_library(LIBTORCH_C10_LIB c10 PATHS "${LIBTORCH_DIR}/lib" NO_DEFAULT_PATH)
find_library(LIBTORCH_CUDA_LIB torch_cuda PATHS "${LIBTORCH_DIR}/lib" NO_DEFAULT_PATH)
find_library(LIBTORCH_C10_CUDA_LIB c10_cuda PATHS "${LIBTORCH_DIR}/lib" NO_DEFAULT_PATH)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibTorch REQUIRED_VARS LIBTORCH_DIR LIBTORCH_LIB LIBTORCH_CPU_LIB LIBTORCH_C10_LIB)

if(LibTorch_FOUND AND NOT TARGET apiq::torch)
  add_library(apiq::torch INTERFACE IMPORTED)
  target_include_directories(apiq::torch SYSTEM INTERFACE
    "${LIBTORCH_DIR}/include" "${LIBTORCH_DIR}/include/torch/csrc/api/include")
  target_compile_definitions(apiq::torch INTERFACE _GLIBCXX_USE_CXX11_ABI=${LIBTORCH_CXX11_ABI})
  set(_libs "${LIBTORCH_LIB}" "${LIBTORCH_CPU_LIB}" "${LIBTORCH_C10_LIB}")
  set(LIBTORCH_HAS_CUDA OFF)
  if(LIBTORCH_CUDA_LIB AND LIBTORCH_C10_CUDA_LIB)
    set(LIBTORCH_HAS_CUDA ON)
    # torch_cuda registers the CUDA backend from static initialisers; nothing references it
    # directly, so keep the linker from dropping it.
    list(APPEND _libs "-Wl,--push-state,--no-as-needed" "${LIBTORCH_CUDA_LIB}" "${LIBTORCH_C10_CUDA_LIB}" "-Wl,--pop-state")
  endif()
  target_link_libraries(apiq::torch INTERFACE ${_libs})
  # The wheel's libraries find their CUDA runtime through their own RUNPATH; ours finds torch here.
  # Note: the torch libraries export a statically linked copy of parts of libstdc++, and the
  # dynamic linker binds some of our calls to it; its std::filesystem::remove_all crashes, so
  # core uses apiq::remove_tree (fs_util.h). Forcing the system libstdc++ first instead made
  # memory cross between the two copies on Ubuntu ("free(): invalid pointer").
  target_link_options(apiq::torch INTERFACE "-Wl,-rpath,${LIBTORCH_DIR}/lib" "-Wl,--allow-shlib-undefined")
  message(STATUS "LibTorch ${LIBTORCH_VERSION} at ${LIBTORCH_DIR} (CUDA backend: ${LIBTORCH_HAS_CUDA})")
endif()
