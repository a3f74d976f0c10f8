// SPDX-License-Identifier: GPL-3.0-or-later
// Every user-visible text of core's method, export-format and adapter tables is listed in core_texts.cpp,
// so Qt Linguist sees it and the widgets can translate it; and the list holds nothing stale.
#include <QtTest>
#include <set>
#include <string>

#include "core_texts.h"
#include "export/export_format.h"
#include "methods/method.h"
#include "model/adapter.h"

namespace {
std::set<std::string> listed(const char* const* texts) {
  std::set<std::string> s;
  for (const char* const* t = texts; *t; ++t) s.insert(*t);
  return s;
}
}  // namespace

class TstCoreTexts : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void everyMethodSummaryIsListed() {
    const auto texts = listed(apiq::widgets::kMethodTexts);
    std::set<std::string> used;
    for (const apiq::Method* m : apiq::method_table()) {
      QVERIFY2(texts.count(m->summary()), m->summary());
      used.insert(m->summary());
    }
    QCOMPARE(used.size(), texts.size());  // no stale entry
  }
  void everyExportFormatTextIsListed() {
    const auto texts = listed(apiq::widgets::kExportFormatTexts);
    for (const apiq::ExportFormat* f : apiq::export_format_table()) {
      QVERIFY2(texts.count(f->engines()), f->engines());
      QVERIFY2(texts.count(f->loss()), f->loss());
    }
  }
  // The finetune dialog shows every adapter kind's summary, translated.
  void everyAdapterSummaryIsListed() {
    const auto texts = listed(apiq::widgets::kAdapterTexts);
    std::set<std::string> used;
    for (const apiq::AdapterKind* k : apiq::adapter_table()) {
      QVERIFY2(texts.count(k->summary()), k->summary());
      used.insert(k->summary());
    }
    QCOMPARE(used.size(), texts.size());  // no stale entry
  }
};

QTEST_MAIN(TstCoreTexts)
#include "tst_core_texts.moc"
