// SPDX-License-Identifier: GPL-3.0-or-later
// The tensor pieces the adapter kinds share: pooling inputs, repeating outputs, tile averages and
// rank-r factors of a matrix.
#pragma once
#include <torch/types.h>

#include <utility>

namespace apiq {

// x [..., in] → [..., in / k]: the mean of each run of k inputs (AvgPool1d(k)).
torch::Tensor pool_inputs(const torch::Tensor& x, int64_t k);
// y [..., n] → [..., n·k]: every output repeated k times in place (repeat_interleave).
torch::Tensor repeat_outputs(const torch::Tensor& y, int64_t k);
// w [out, in] → [out / ro, in / ci]: the mean of each ro × ci tile, which is the Frobenius-nearest
// matrix that is constant on the tiles.
torch::Tensor tile_mean(const torch::Tensor& w, int64_t ro, int64_t ci);
// m [R, C] → [R·ro, C·ci]: each entry filling its tile.
torch::Tensor expand_tiles(const torch::Tensor& m, int64_t ro, int64_t ci);
// A [r, in] drawn as PEFT draws LoRA A: U(−1/√in, 1/√in).
torch::Tensor kaiming_rows(int64_t r, int64_t in);
// Rank-r factors (B [rows, r], A [r, cols]) with B·A the best rank-r approximation of m (truncated
// SVD, √σ to each side). Components whose σ is (near) zero would get zero rows in A and zero columns
// in B, which never receive a gradient; they get a Kaiming-uniform A row and a zero B column
// instead, so the product is unchanged and they still train.
std::pair<torch::Tensor, torch::Tensor> fit_factors(const torch::Tensor& m, int64_t r);
// float32 on `device`, a leaf that requires grad.
torch::Tensor trainable_leaf(const torch::Tensor& t, torch::Device device);

}  // namespace apiq

#include <string>
#include <vector>

#include "model/adapter.h"

namespace apiq {

// The stored tensor `suffix` as it is stored; std::invalid_argument when it is missing or not of `shape`.
torch::Tensor stored_tensor(const AdapterLookup& get, const std::string& suffix, const std::vector<int64_t>& shape);
// The stored tensor `suffix` as a trainable float32 leaf on `device`; std::invalid_argument when it
// is missing, not of `shape`, or not finite.
torch::Tensor stored_leaf(const AdapterLookup& get, const std::string& suffix, const std::vector<int64_t>& shape,
                          torch::Device device);
// Bits the tensors take as stored (float32 unless packed).
int64_t stored_bits_of(const AdapterTensors& t);

}  // namespace apiq
