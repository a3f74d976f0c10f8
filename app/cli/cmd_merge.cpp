// SPDX-License-Identifier: GPL-3.0-or-later
// apiq merge: fold a finetuned QA-HiRA adapter into the packed model's group zero points.
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "finetune/merge_adapter.h"
#include "terminal_progress.h"

namespace apiq::cli {

void add_merge(CLI::App& app) {
  struct Args {
    std::string qdir, out;
  };
  auto a = std::make_shared<Args>();
  auto* c = app.add_subcommand("merge",
                               "Fold a finetuned QA-HiRA adapter into the 2-bit model (float group zero points), so it "
                               "runs with no adapter path");
  c->add_option("QDIR", a->qdir, "quantized checkpoint finetuned with --adapter qahira")->required();
  c->add_option("--out", a->out, "output checkpoint folder")->required();
  c->callback([a] {
    TerminalProgress bar;
    const MergeResult r = merge_adapter(a->qdir, a->out, &bar);
    std::printf("%s: merged the adapter of %lld linears into their group zero points (largest change beyond the "
                "adapter %.3g) -> %s\n",
                a->qdir.c_str(), static_cast<long long>(r.linears), r.max_abs_error, a->out.c_str());
  });
}

}  // namespace apiq::cli
