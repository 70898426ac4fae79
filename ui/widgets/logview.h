#pragma once

#include <QPlainTextEdit>

namespace exeserver {

// A GitHub Actions job log: byte order mark, timestamps and ANSI colour codes stripped; `##[group]`
// sections shown as headers (▸ folded / ▾ open, click to toggle) with their lines hidden while folded;
// `##[error]` and `##[warning]` lines coloured and marked.
class LogView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit LogView(QWidget *parent = nullptr);

    static QString stripAnsi(const QString &text);
    void setLog(const QByteArray &raw);

    int groupCount() const { return int(m_groups.size()); }
    QString groupTitle(int group) const;
    bool isGroupExpanded(int group) const;
    void setGroupExpanded(int group, bool expanded);
    // Finds the next match after the cursor (wrapping), unfolding the group it is in.
    bool findText(const QString &text);
    int visibleLineCount() const;

protected:
    void mousePressEvent(QMouseEvent *event) override;

private:
    struct Group
    {
        QString title;
        int header = 0; // block number
        int first = 0;  // first member block
        int last = -1;  // last member block
        bool expanded = false;
    };

    int groupOfHeader(int block) const;
    int groupContaining(int block) const;

    QList<Group> m_groups;
};

} // namespace exeserver
