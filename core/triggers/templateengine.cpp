#include "triggers/templateengine.h"

#include "triggers/fieldpath.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace exeserver {

QString TemplateEngine::valueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (d == std::floor(d) && std::abs(d) < 9.0e15)
            return QString::number(qint64(d));
        return QString::number(d, 'g', 17);
    }
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    default:
        return {};
    }
}

QString TemplateEngine::render(QStringView text, const QJsonObject &context, QStringList *warnings)
{
    QString out;
    out.reserve(text.size());
    qsizetype pos = 0;
    while (pos < text.size()) {
        const qsizetype open = text.indexOf(u"{{", pos);
        if (open < 0)
            break;
        const qsizetype close = text.indexOf(u"}}", open + 2);
        if (close < 0)
            break; // an unterminated "{{" is ordinary text
        out += text.mid(pos, open - pos);
        const QString expression = text.mid(open + 2, close - open - 2).trimmed().toString();
        pos = close + 2;

        // A step's outputs before the step ran: kept for the render at run time.
        if (expression.startsWith(QLatin1StringView("steps.")) &&
            !context.contains(QLatin1StringView("steps"))) {
            out += text.mid(open, pos - open);
            continue;
        }
        auto path = FieldPath::parse(expression);
        if (!path) {
            if (warnings)
                warnings->append(QStringLiteral("{{ %1 }} is not a field path; left empty").arg(expression));
            continue;
        }
        const QJsonArray values = path->collect(context);
        QStringList parts;
        for (const QJsonValue &value : values) {
            if (!value.isNull())
                parts.append(valueText(value));
        }
        if (parts.isEmpty() && warnings)
            warnings->append(
                QStringLiteral("{{ %1 }} has no value in this event; left empty").arg(expression));
        out += parts.join(QStringLiteral(", "));
    }
    out += text.mid(pos);
    return out;
}

std::optional<QString> TemplateEngine::validate(QStringView text)
{
    qsizetype pos = 0;
    while (true) {
        const qsizetype open = text.indexOf(u"{{", pos);
        if (open < 0)
            return std::nullopt;
        const qsizetype close = text.indexOf(u"}}", open + 2);
        if (close < 0)
            return std::nullopt;
        const QString expression = text.mid(open + 2, close - open - 2).trimmed().toString();
        if (auto path = FieldPath::parse(expression); !path)
            return QStringLiteral("placeholder {{ %1 }} at position %2 is not a field path (%3)")
                .arg(expression)
                .arg(open + 1)
                .arg(path.error().message);
        pos = close + 2;
    }
}

QJsonObject TemplateEngine::context(const EventContext &event, const QString &triggerName,
                                    const std::optional<CommentCommand> &command)
{
    QJsonObject root{{QStringLiteral("event"), event.payload},
                     {QStringLiteral("event_name"), event.type},
                     {QStringLiteral("event_id"), event.id},
                     {QStringLiteral("action"), event.action},
                     {QStringLiteral("repository"), event.repository},
                     {QStringLiteral("sender"), event.sender},
                     {QStringLiteral("trigger"), QJsonObject{{QStringLiteral("name"), triggerName}}}};
    if (command)
        root.insert(QLatin1StringView("command"), command->toJson());
    return root;
}

void TemplateEngine::forEachField(TriggerAction &action, const std::function<void(QString &)> &field)
{
    if (auto *a = std::get_if<CodefileAction>(&action)) {
        for (QString &arg : a->args)
            field(arg);
        field(a->workdir);
    } else if (auto *w = std::get_if<WorkflowAction>(&action)) {
        field(w->repository);
        field(w->workflow);
        field(w->ref);
        for (auto it = w->inputs.begin(); it != w->inputs.end(); ++it)
            field(it.value());
    } else if (auto *c = std::get_if<CommentAction>(&action)) {
        field(c->body);
        field(c->args);
        field(c->pr);
    } else if (auto *n = std::get_if<NotifyAction>(&action)) {
        field(n->title);
        field(n->body);
    } else if (auto *re = std::get_if<RerunFailedAction>(&action)) {
        field(re->run);
    } else if (auto *x = std::get_if<CancelRunAction>(&action)) {
        field(x->run);
    }
}

TriggerAction TemplateEngine::renderAction(const TriggerAction &action, const QJsonObject &context,
                                           QStringList *warnings)
{
    TriggerAction out = action;
    forEachField(out, [&](QString &text) { text = render(text, context, warnings); });
    return out;
}

QStringList TemplateEngine::placeholders(const TriggerAction &action)
{
    QStringList found;
    TriggerAction copy = action;
    forEachField(copy, [&](QString &text) {
        qsizetype pos = 0;
        for (;;) {
            const qsizetype open = text.indexOf(u"{{", pos);
            const qsizetype close = open < 0 ? -1 : text.indexOf(u"}}", open + 2);
            if (close < 0)
                return;
            found.append(text.mid(open + 2, close - open - 2).trimmed());
            pos = close + 2;
        }
    });
    return found;
}

} // namespace exeserver
