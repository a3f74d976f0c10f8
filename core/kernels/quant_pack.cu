// SPDX-License-Identifier: GPL-3.0-or-later
// Packing of b-bit codes into int32 words (floor(32/b) codes per word, lowest bits first, along
// the input dimension; see core/apiq/packing.h), unpacking, and dequantization Ŵ = (c − z)·s.
// One thread per word: it reads or writes the word once and handles its codes.
#include <cstdint>

#include "device_types.cuh"
#include "fast_divmod.cuh"

namespace apiq::kernels {
namespace {

constexpr int kThreads = 256;

__global__ void pack_kernel(const uint8_t* __restrict__ codes, uint32_t* __restrict__ words, uint32_t total,
                            uint32_t cols, FastDivmod by_words, int bits) {
  const uint32_t i = blockIdx.x * kThreads + threadIdx.x;
  if (i >= total) return;
  const int per = 32 / bits;
  const uint32_t row = by_words.div(i), col0 = (i - row * by_words.d) * per;
  const uint8_t* c = codes + static_cast<int64_t>(row) * cols;
  uint32_t w = 0;
  for (int k = 0; k < per && col0 + k < cols; ++k) w |= static_cast<uint32_t>(c[col0 + k]) << (k * bits);
  words[i] = w;
}

__global__ void unpack_kernel(const uint32_t* __restrict__ words, uint8_t* __restrict__ codes, uint32_t total,
                              uint32_t cols, FastDivmod by_words, int bits) {
  const uint32_t i = blockIdx.x * kThreads + threadIdx.x;
  if (i >= total) return;
  const int per = 32 / bits;
  const uint32_t mask = (1u << bits) - 1u;
  const uint32_t row = by_words.div(i), col0 = (i - row * by_words.d) * per;
  const uint32_t w = words[i];
  uint8_t* c = codes + static_cast<int64_t>(row) * cols;
  for (int k = 0; k < per && col0 + k < cols; ++k) c[col0 + k] = static_cast<uint8_t>((w >> (k * bits)) & mask);
}

// Same arithmetic as the reference: (c − z)·s in float32 from the fp16 scale, then rounded to TO.
template <typename TO>
__global__ void dequantize_kernel(const uint32_t* __restrict__ words, const __half* __restrict__ scales,
                                  const int32_t* __restrict__ zeros, TO* __restrict__ out, uint32_t total,
                                  uint32_t cols, FastDivmod by_words, FastDivmod by_group, uint32_t n_groups,
                                  int bits, bool fz) {
  const uint32_t i = blockIdx.x * kThreads + threadIdx.x;
  if (i >= total) return;
  const int per = 32 / bits;
  const uint32_t mask = (1u << bits) - 1u;
  const uint32_t row = by_words.div(i), col0 = (i - row * by_words.d) * per;
  const uint32_t w = __ldg(words + i);
  const __half* s = scales + static_cast<int64_t>(row) * n_groups;
  const int32_t* z = zeros + static_cast<int64_t>(row) * n_groups;
  TO* o = out + static_cast<int64_t>(row) * cols;
  for (int k = 0; k < per && col0 + k < cols; ++k) {
    const uint32_t g = by_group.div(col0 + k);
    const float c = static_cast<float>((w >> (k * bits)) & mask);
    o[col0 + k] = from_f<TO>((c - zero_value(__ldg(z + g), fz)) * __half2float(s[g]));
  }
}

// Thread indices and in-row positions are 32-bit (FastDivmod needs n < 2^31).
bool fits_32bit(int64_t total_words, int64_t cols) { return total_words < (int64_t{1} << 31) && cols < (int64_t{1} << 31); }

}  // namespace

int launch_pack_codes(const uint8_t* codes, int32_t* words, int64_t rows, int64_t cols, int bits, void* stream) {
  if (bits < 1 || bits > 8) return static_cast<int>(cudaErrorInvalidValue);
  const int64_t n_words = (cols + 32 / bits - 1) / (32 / bits);
  if (rows * n_words == 0) return 0;
  if (!fits_32bit(rows * n_words, cols)) return static_cast<int>(cudaErrorInvalidValue);
  pack_kernel<<<blocks_for(rows * n_words, kThreads), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
      codes, reinterpret_cast<uint32_t*>(words), static_cast<uint32_t>(rows * n_words), static_cast<uint32_t>(cols),
      FastDivmod(static_cast<uint32_t>(n_words)), bits);
  return static_cast<int>(cudaGetLastError());
}

int launch_unpack_codes(const int32_t* words, uint8_t* codes, int64_t rows, int64_t cols, int bits, void* stream) {
  if (bits < 1 || bits > 8) return static_cast<int>(cudaErrorInvalidValue);
  const int64_t n_words = (cols + 32 / bits - 1) / (32 / bits);
  if (rows * n_words == 0) return 0;
  if (!fits_32bit(rows * n_words, cols)) return static_cast<int>(cudaErrorInvalidValue);
  unpack_kernel<<<blocks_for(rows * n_words, kThreads), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
      reinterpret_cast<const uint32_t*>(words), codes, static_cast<uint32_t>(rows * n_words),
      static_cast<uint32_t>(cols), FastDivmod(static_cast<uint32_t>(n_words)), bits);
  return static_cast<int>(cudaGetLastError());
}

int launch_dequantize(const int32_t* words, const void* scales_f16, const int32_t* zeros, void* out, ElemType out_type,
                      int64_t rows, int64_t cols, int64_t group, int bits, void* stream, bool float_zeros) {
  if (bits < 1 || bits > 8 || group <= 0) return static_cast<int>(cudaErrorInvalidValue);
  const int64_t n_words = (cols + 32 / bits - 1) / (32 / bits);
  const int64_t n_groups = (cols + group - 1) / group;
  if (rows * n_words == 0) return 0;
  if (!fits_32bit(rows * n_words, cols) || group >= (int64_t{1} << 31)) return static_cast<int>(cudaErrorInvalidValue);
  return with_elem_type(out_type, [&](auto ot) {
    using TO = decltype(ot);
    dequantize_kernel<TO><<<blocks_for(rows * n_words, kThreads), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        reinterpret_cast<const uint32_t*>(words), static_cast<const __half*>(scales_f16), zeros,
        static_cast<TO*>(out), static_cast<uint32_t>(rows * n_words), static_cast<uint32_t>(cols),
        FastDivmod(static_cast<uint32_t>(n_words)), FastDivmod(static_cast<uint32_t>(group)),
        static_cast<uint32_t>(n_groups), bits, float_zeros);
    return static_cast<int>(cudaGetLastError());
  });
}

}  // namespace apiq::kernels
