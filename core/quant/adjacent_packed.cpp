// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/adjacent_packed.h"

#include <vector>

namespace apiq {
namespace {

bool same_layout(const PackedLinear& a, const PackedLinear& b) {
  return a.bits == b.bits && a.group_size == b.group_size && a.in == b.in &&
         a.zeros.scalar_type() == b.zeros.scalar_type() && a.packed.device() == b.packed.device();
}

void adjoin(QuantBlockLinears& block, std::initializer_list<LinearKind> kinds) {
  std::vector<PackedLinear*> ps;
  for (LinearKind k : kinds) {
    QuantLinear& l = block.at(k);
    if (!l.packed_only()) return;
    if (!ps.empty() && !same_layout(*ps.front(), *l.packed)) return;
    ps.push_back(&*l.packed);
  }
  for (torch::Tensor PackedLinear::*field : {&PackedLinear::packed, &PackedLinear::scales, &PackedLinear::zeros}) {
    std::vector<torch::Tensor> parts;
    for (const PackedLinear* p : ps) parts.push_back(p->*field);
    const torch::Tensor all = torch::cat(parts, 0);
    int64_t row = 0;
    for (PackedLinear* p : ps) {
      p->*field = all.narrow(0, row, p->out);
      row += p->out;
    }
  }
}

}  // namespace

void place_packed_groups_adjacent(QuantBlockLinears& block) {
  adjoin(block, {LinearKind::Q, LinearKind::K, LinearKind::V});
  adjoin(block, {LinearKind::Gate, LinearKind::Up});
}

}  // namespace apiq
