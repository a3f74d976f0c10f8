// SPDX-License-Identifier: GPL-3.0-or-later
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "main_window.h"
#include "tensor_table_model.h"

class TstTensorTableModel : public QObject {
  Q_OBJECT
 private:
  QString shared(const QString& rel) const { return QStringLiteral(APIQ_SHARED_DIR "/") + rel; }

 private Q_SLOTS:
  void stories260KTable() {
    if (!QFileInfo::exists(shared(QStringLiteral("models/stories260K/config.json"))))
      QSKIP("../shared/models/stories260K is not available");
    apiq::app::MainWindow w;
    QSignalSpy loaded(&w, &apiq::app::MainWindow::modelLoaded);
    w.openModel(shared(QStringLiteral("models/stories260K")));
    QTRY_COMPARE(loaded.count(), 1);
    auto* m = w.tensorModel();
    // 5 blocks × (2 norms + 7 linears) + embedding + final norm; tied head has no tensor.
    QCOMPARE(m->rowCount(), 47);
    // Hand count: embed 512·64, per block 2·64 + 64·64 + 2·32·64 + 64·64 + 3·172·64, final norm 64.
    const qint64 perBlock = 2 * 64 + 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 172 * 64;
    QCOMPARE(m->summary().totalParams(), 512 * 64 + 5 * perBlock + 64);
    qint64 sum = 0;
    for (int r = 0; r < m->rowCount(); ++r) sum += m->data(m->index(r, apiq::widgets::TensorTableModel::Params), Qt::UserRole).toLongLong();
    QCOMPARE(sum, m->summary().totalParams());
    QCOMPARE(m->data(m->index(0, apiq::widgets::TensorTableModel::Name)).toString(), QStringLiteral("model.embed_tokens.weight"));
    QCOMPARE(m->data(m->index(0, apiq::widgets::TensorTableModel::Shape)).toString(), QStringLiteral("[512, 64]"));
  }

  void badFolderReportsFileAndProblem() {
    QTemporaryDir dir;
    apiq::app::MainWindow w;
    QSignalSpy failed(&w, &apiq::app::MainWindow::loadFailed);
    w.openModel(dir.path());
    QTRY_COMPARE(failed.count(), 1);
    const QString msg = failed.at(0).at(0).toString();
    QVERIFY2(msg.contains(QStringLiteral("config.json")), qPrintable(msg));
    QCOMPARE(w.tensorModel()->rowCount(), 0);
  }
};

QTEST_MAIN(TstTensorTableModel)
#include "tst_tensor_table_model.moc"
