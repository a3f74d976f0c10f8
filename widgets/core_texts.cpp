// SPDX-License-Identifier: GPL-3.0-or-later
// Core's user-visible table texts (method summaries, export formats, adapter kinds), marked for Qt Linguist: core
// has no Qt, so the widgets translate these with QCoreApplication::translate(context, text).
// tst_core_texts checks that every text of the tables is listed here.
#include "core_texts.h"

#include <QtGlobal>

namespace apiq::widgets {

const char* const kMethodTexts[] = {
    QT_TRANSLATE_NOOP("apiq::Method", "round to nearest, no adapters (baseline)"),
    QT_TRANSLATE_NOOP("apiq::Method", "round to nearest, LoRA initialised as in QLoRA (B = 0)"),
    QT_TRANSLATE_NOOP("apiq::Method", "alternating quantization and SVD initialisation of the adapters"),
    QT_TRANSLATE_NOOP("apiq::Method", "ApiQ layer by layer, learnable clipping and LoRA trained on activations"),
    QT_TRANSLATE_NOOP("apiq::Method", "ApiQ block by block (the paper's default)"),
    QT_TRANSLATE_NOOP("apiq::Method",
                      "LQ-LoRA: low-rank SVD first, then quantization of the rest, iterated; adapters from the SVD"),
    nullptr,
};

const char* const kExportFormatTexts[] = {
    QT_TRANSLATE_NOOP("apiq::ExportFormat",
                      "vLLM (2-bit pack-quantized through the Humming kernels, experimental), llm-compressor, and "
                      "transformers with compressed-tensors. The LoRA adapter is written beside it."),
    QT_TRANSLATE_NOOP("apiq::ExportFormat",
                      "Lossless for 2- and 4-bit integer codes, zero point 0 included. The scales and dense weights "
                      "are written in the chosen dtype: f16 (default) rounds the scales, f32 keeps them exactly "
                      "(+0.25 bit per weight at group 64)."),
    QT_TRANSLATE_NOOP("apiq::ExportFormat",
                      "GPTQModel, and transformers + optimum through GPT-QModel; vLLM's GPTQ kernels that read "
                      "checkpoint_format gptq_v2. AutoGPTQ rejects gptq_v2."),
    QT_TRANSLATE_NOOP("apiq::ExportFormat", "Lossless for 2- and 4-bit integer codes (zero points stored as they are)."),
    QT_TRANSLATE_NOOP("apiq::ExportFormat",
                      "GPTQModel, AutoGPTQ, transformers + optimum (GPT-QModel backend), and vLLM's 2-bit GPTQ kernels "
                      "(releases up to mid-2026). The LoRA adapter is written beside it."),
    QT_TRANSLATE_NOOP("apiq::ExportFormat",
                      "GPTQ v1 stores zero point − 1, so a group with zero point 0 cannot be stored; such a checkpoint "
                      "is refused unless you clamp those groups (lossy)."),
    QT_TRANSLATE_NOOP("apiq::ExportFormat",
                      "transformers + PEFT (PeftModel.from_pretrained), on a base holding this checkpoint's "
                      "dequantized weights, such as the hf-dequantized export."),
    QT_TRANSLATE_NOOP("apiq::ExportFormat", "Lossless: the LoRA factors are copied exactly."),
    QT_TRANSLATE_NOOP("apiq::ExportFormat",
                      "Any Hugging Face tool (transformers + PEFT, vLLM, TGI, llama.cpp's converter): a standard dense "
                      "checkpoint plus the adapter. No memory saving."),
    QT_TRANSLATE_NOOP("apiq::ExportFormat", "Lossless in f32; f16 and bf16 round the dequantized weights."),
    QT_TRANSLATE_NOOP("apiq::ExportFormat", "the checkpoint has no LoRA factors (rtn)"),
    nullptr,
};

const char* const kAdapterTexts[] = {
    QT_TRANSLATE_NOOP("apiq::AdapterKind", "LoRA: ΔW = s·B·A at rank r"),
    QT_TRANSLATE_NOOP("apiq::AdapterKind",
                      "Q-BaRA: inputs averaged in pairs, outputs repeated; rank 2r on the parameters of LoRA rank r"),
    QT_TRANSLATE_NOOP("apiq::AdapterKind",
                      "QA-HiRA: one matrix on inputs pooled per quantization group; merges into the 2-bit model"),
    QT_TRANSLATE_NOOP("apiq::AdapterKind",
                      "Bayesian-LoRA: s·B·diag(E)·A with learned gates choosing 2/4/8/16 bits per factor and the rank"),
    nullptr,
};

}  // namespace apiq::widgets
