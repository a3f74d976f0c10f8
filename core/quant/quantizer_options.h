// SPDX-License-Identifier: GPL-3.0-or-later
// How a weight is quantized (a plain struct, no LibTorch): read by checkpoints, the CLI, the
// wizard and the quantizers.
#pragma once
#include <cstdint>
#include <string>

namespace apiq {

struct QuantizerOptions {
  enum class Format { Int, NF };  // uniform integer | NormalFloat (nf_quantizer.h)
  enum class Mode { Asym, Sym };  // Int only: free zero point | GPTQ's fixed zero point 2^(b-1)
  enum class NFScaleFloat { BF16, FP16, FP32 };  // NF double quantization: the groups' maxima (b1)

  int bits = 2;              // 2..8 for Int (2, 3, 4 in practice), 2..4 for NF
  int64_t group_size = 64;   // Int: columns per group; the last group of a row may be shorter
  Format format = Format::Int;
  Mode mode = Mode::Asym;
  bool learnable_clipping = true;  // false: plain min-max groups (rtn/qlora/loftq baselines)
  double clip_init = 4.0;          // initial γ and β; σ(4) ≈ 0.982
  int64_t nf_block_size = 64;      // NF: consecutive elements of the flattened weight per absmax block
  // NF double quantization (LQ-LoRA, nf_double_quant.h): the block scales stored as b0-bit codes
  // (nf_scale_bits, 1..8) per group of nf_scale_block scales with one b1 float maximum each;
  // nf_scale_bits 0: the absmax scales stored as float32 (QLoRA/LoftQ's NF without it).
  int nf_scale_bits = 0;
  int64_t nf_scale_block = 256;
  NFScaleFloat nf_scale_float = NFScaleFloat::FP32;

  QuantizerOptions& set_bits(int b) { bits = b; return *this; }
  QuantizerOptions& set_group_size(int64_t g) { group_size = g; return *this; }
  QuantizerOptions& set_format(Format f) { format = f; return *this; }
  QuantizerOptions& set_mode(Mode m) { mode = m; return *this; }
  QuantizerOptions& set_learnable_clipping(bool on) { learnable_clipping = on; return *this; }
  QuantizerOptions& set_clip_init(double v) { clip_init = v; return *this; }

  bool nf_double_quant() const { return format == Format::NF && nf_scale_bits > 0; }

  // Throws std::invalid_argument naming the bad field.
  void validate() const;
};

const char* nf_scale_float_name(QuantizerOptions::NFScaleFloat f);  // "bf16", "fp16", "fp32"
// The inverse; std::invalid_argument for anything else.
QuantizerOptions::NFScaleFloat parse_nf_scale_float(const std::string& name);

}  // namespace apiq
