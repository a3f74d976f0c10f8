// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/random_packed_model.h"

#include <torch/types.h>

#include <climits>

#include "model/linear_shapes.h"
#include "quant/adjacent_packed.h"
#include "quant/quant_linear.h"

namespace apiq {

namespace {
int64_t bytes_of(const torch::Tensor& t) { return t.defined() ? static_cast<int64_t>(t.nbytes()) : 0; }
}  // namespace

PackedLinear random_packed_linear(int64_t out, int64_t in, int bits, int64_t group, torch::Device device,
                                  bool float_zeros) {
  PackedLinear p;
  p.bits = bits;
  p.out = out;
  p.in = in;
  p.group_size = group;
  const auto i32 = torch::TensorOptions().dtype(torch::kInt32).device(device);
  p.packed = torch::randint(INT32_MIN, INT32_MAX, {out, packed_words(in, bits)}, i32);
  const int used = static_cast<int>(codes_per_word(bits)) * bits;
  if (used < 32) p.packed.bitwise_and_((1 << used) - 1);
  p.scales = (torch::rand({out, p.n_groups()}, torch::TensorOptions().device(device)) * 0.01 + 0.005).to(torch::kHalf);
  p.zeros = torch::full({out, p.n_groups()}, 1 << (bits - 1), i32);
  if (float_zeros) p.zeros = p.zeros.to(torch::kFloat) + torch::rand({out, p.n_groups()}, p.zeros.options().dtype(torch::kFloat)) - 0.5;
  return p;
}

RandomPackedModel make_random_packed_model(const LlamaConfig& cfg, const RandomPackedModelOptions& o,
                                           ProgressObserver* obs) {
  const auto dense = torch::TensorOptions().dtype(o.dtype).device(o.device);
  const int64_t d = cfg.hidden_size;
  int64_t packed_bytes = 0, dense_bytes = 0;
  ModelWeights w;
  w.embed = torch::randn({cfg.vocab_size, d}, dense) * 0.02;
  w.lm_head = torch::randn({cfg.vocab_size, d}, dense) * 0.02;
  w.final_norm = torch::ones({d}, dense);
  const auto shapes = linear_shapes(cfg);
  std::vector<std::shared_ptr<QuantBlockLinears>> blocks;
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
    BlockWeights bw;
    bw.norms[NormKind::Attn] = torch::ones({d}, dense);
    bw.norms[NormKind::Mlp] = torch::ones({d}, dense);
    if (o.perturbed)
      for (auto n : {NormKind::Attn, NormKind::Mlp}) bw.norms[n] = bw.norms[n] + torch::rand({d}, dense) - 0.5;
    dense_bytes += bytes_of(bw.norms[NormKind::Attn]) + bytes_of(bw.norms[NormKind::Mlp]);
    w.blocks.push_back(bw);
    auto qb = std::make_shared<QuantBlockLinears>();
    for (int i = 0; i < kNumLinears; ++i) {
      auto& l = qb->linears[i];
      l.packed = random_packed_linear(shapes[i].out, shapes[i].in, o.bits, o.group_size, o.device, o.float_zeros);
      if (o.rank > 0)
        l.lora = LoraAdapter::init_default(shapes[i].out, shapes[i].in, LoraOptions().set_rank(o.rank), o.device);
      if (o.rank > 0 && o.perturbed) l.lora.B = torch::randn_like(l.lora.B) * 0.02;
      l.state = QuantLinear::State::Final;
      packed_bytes += l.packed->storage_bytes();
    }
    place_packed_groups_adjacent(*qb);  // as a loaded checkpoint is laid out
    blocks.push_back(qb);
    report(obs, "build", b + 1, cfg.num_hidden_layers);
  }
  dense_bytes += bytes_of(w.embed) + bytes_of(w.lm_head) + bytes_of(w.final_norm);
  RandomPackedModel r{LlamaModel(cfg, std::move(w), ModelOptions().set_device(o.device).set_dtype(o.dtype)),
                      packed_bytes, dense_bytes};
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) r.model.set_block_linears(b, blocks[static_cast<size_t>(b)]);
  return r;
}

}  // namespace apiq
