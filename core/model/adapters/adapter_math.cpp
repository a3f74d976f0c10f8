// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/adapters/adapter_math.h"

#include <cmath>

namespace apiq {

torch::Tensor pool_inputs(const torch::Tensor& x, int64_t k) {
  if (k == 1) return x;
  auto sizes = x.sizes().vec();
  const int64_t in = sizes.back();
  sizes.back() = in / k;
  sizes.push_back(k);
  return x.reshape(sizes).mean(-1);
}

torch::Tensor repeat_outputs(const torch::Tensor& y, int64_t k) {
  return k == 1 ? y : y.repeat_interleave(k, -1);
}

torch::Tensor tile_mean(const torch::Tensor& w, int64_t ro, int64_t ci) {
  return w.reshape({w.size(0) / ro, ro, w.size(1) / ci, ci}).mean({1, 3});
}

torch::Tensor expand_tiles(const torch::Tensor& m, int64_t ro, int64_t ci) {
  return m.repeat_interleave(ro, 0).repeat_interleave(ci, 1);
}

torch::Tensor kaiming_rows(int64_t r, int64_t in) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  return torch::empty({r, in}, torch::kFloat).uniform_(-bound, bound);
}

std::pair<torch::Tensor, torch::Tensor> fit_factors(const torch::Tensor& m, int64_t r) {
  const auto md = m.detach().to(torch::kCPU, torch::kDouble);
  auto [U, S, Vh] = torch::linalg_svd(md, /*full_matrices=*/false);
  const int64_t k = std::min<int64_t>(r, S.size(0));
  auto B = torch::zeros({md.size(0), r}, torch::kDouble);
  auto A = torch::zeros({r, md.size(1)}, torch::kDouble);
  const auto root = S.narrow(0, 0, k).sqrt();
  B.narrow(1, 0, k).copy_(U.narrow(1, 0, k) * root.unsqueeze(0));
  A.narrow(0, 0, k).copy_(root.unsqueeze(1) * Vh.narrow(0, 0, k));
  // Dead components (σ below 1e-6 of the largest, or beyond the matrix's rank) restart as LoRA does.
  const double top = S.numel() ? S[0].item<double>() : 0.0;
  const auto fresh = kaiming_rows(r, md.size(1)).to(torch::kDouble);
  for (int64_t i = 0; i < r; ++i) {
    if (i < k && S[i].item<double>() > 1e-6 * top && top > 0) continue;
    B.select(1, i).zero_();
    A.select(0, i).copy_(fresh.select(0, i));
  }
  return {B.to(torch::kFloat), A.to(torch::kFloat)};
}

torch::Tensor trainable_leaf(const torch::Tensor& t, torch::Device device) {
  return t.detach().to(device, torch::kFloat).contiguous().clone().set_requires_grad(true);
}

}  // namespace apiq

namespace apiq {

torch::Tensor stored_tensor(const AdapterLookup& get, const std::string& suffix, const std::vector<int64_t>& shape) {
  const torch::Tensor t = get(suffix);
  if (!t.defined()) throw std::invalid_argument("missing adapter tensor '" + suffix + "'");
  if (t.sizes().vec() != shape) {
    std::string want, have;
    for (auto v : shape) want += (want.empty() ? "" : ", ") + std::to_string(v);
    for (auto v : t.sizes()) have += (have.empty() ? "" : ", ") + std::to_string(v);
    throw std::invalid_argument("adapter tensor '" + suffix + "' has shape [" + have + "], expected [" + want + "]");
  }
  return t;
}

torch::Tensor stored_leaf(const AdapterLookup& get, const std::string& suffix, const std::vector<int64_t>& shape,
                          torch::Device device) {
  const torch::Tensor t = stored_tensor(get, suffix, shape);
  if (!torch::isfinite(t).all().item<bool>()) throw std::invalid_argument("adapter tensor '" + suffix + "' holds NaN or Inf");
  return trainable_leaf(t, device);
}

int64_t stored_bits_of(const AdapterTensors& t) {
  int64_t bits = 0;
  for (const auto& [name, v] : t) bits += v.numel() * static_cast<int64_t>(v.element_size()) * 8;
  return bits;
}

}  // namespace apiq
