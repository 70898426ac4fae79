// `exeserver-cli ask`: the window's assistant from a shell — the same ChatSession, tools, proposals and
// stored conversations, printed as the answer streams.
#include "askprinter.h"
#include "blocking.h"
#include "commandtable.h"
#include "githubconnection.h"
#include "shutdownsignals.h"

#include "assistant/chatsession.h"
#include "assistant/chatstore.h"
#include "store/eventstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>
#ifdef Q_OS_WIN
#include <io.h>
#define isatty _isatty
#else
#include <unistd.h>
#endif

namespace exeserver::cli {

namespace {

const QCommandLineOption kConversation(QStringLiteral("conversation"),
                                       QStringLiteral("Continue this conversation (see --list)."),
                                       QStringLiteral("ID"));
const QCommandLineOption kJson(QStringLiteral("json"),
                               QStringLiteral("One JSON object per line: message, tool call, proposal."));
const QCommandLineOption
    kApprove(QStringLiteral("approve"),
             QStringLiteral("Approve the changes the assistant proposes, without asking."));
const QCommandLineOption kList(QStringLiteral("list"), QStringLiteral("List the stored conversations."));
const QCommandLineOption kShow(QStringLiteral("show"), QStringLiteral("Print a stored conversation."),
                               QStringLiteral("ID"));
const QCommandLineOption kDelete(QStringLiteral("delete"), QStringLiteral("Delete a stored conversation."),
                                 QStringLiteral("ID"));

int listConversations(CliContext &context, ChatStore &chats, bool json)
{
    const Result<QList<ChatConversation>> all = chats.conversations();
    if (!all)
        return context.refused(all.error());
    QJsonArray array;
    for (const ChatConversation &c : *all) {
        if (json)
            array.append(QJsonObject{{QStringLiteral("id"), c.id},
                                     {QStringLiteral("title"), c.title},
                                     {QStringLiteral("messages"), c.messageCount},
                                     {QStringLiteral("updated_at"), c.updatedAt.toString(Qt::ISODate)}});
        else
            context.out() << c.id << "  " << c.updatedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm")) << "  "
                          << c.messageCount << " messages  " << c.title << '\n';
    }
    if (json)
        context.out() << QJsonDocument(array).toJson(QJsonDocument::Compact) << '\n';
    return ExitOk;
}

int showConversation(CliContext &context, ChatStore &chats, const QString &id, bool json)
{
    const Result<ChatConversation> found = chats.conversation(id);
    if (!found)
        return context.refused(found.error());
    const Result<QList<ChatMessage>> messages = chats.messages(id);
    if (!messages)
        return context.refused(messages.error());
    if (!json)
        context.out() << "# " << found->title << '\n';
    for (const ChatMessage &m : *messages) {
        if (json) {
            context.out() << QJsonDocument(AskPrinter::messageJson(m)).toJson(QJsonDocument::Compact) << '\n';
            continue;
        }
        if (m.role == ChatRole::Tool && m.cards.isEmpty())
            continue;
        if (m.role == ChatRole::Assistant && m.text.isEmpty() && m.cards.isEmpty())
            continue;
        if (m.role != ChatRole::Tool)
            context.out() << '\n'
                          << toString(m.role) << ": " << (m.display.isEmpty() ? m.text : m.display) << '\n';
        for (const ChatCard &card : m.cards)
            context.out() << AskPrinter::cardText(card);
    }
    return ExitOk;
}

int manageConversations(CliContext &context, const QCommandLineParser &parser)
{
    EventStore *store = context.store();
    if (!store)
        return ExitRefused;
    ChatStore chats(*store);
    const bool json = parser.isSet(kJson);
    if (parser.isSet(kList))
        return listConversations(context, chats, json);
    if (parser.isSet(kShow))
        return showConversation(context, chats, parser.value(kShow), json);
    const QString id = parser.value(kDelete);
    if (const Result<ChatConversation> found = chats.conversation(id); !found)
        return context.refused(found.error());
    if (const Status deleted = chats.deleteConversation(id); !deleted)
        return context.refused(deleted.error());
    if (!json)
        context.out() << "Deleted conversation " << id << ".\n";
    return ExitOk;
}

// The question from the arguments, or from stdin for "-".
QString question(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words == QStringList{QStringLiteral("-")}) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(in.readAll()).trimmed();
    }
    return words.join(QLatin1Char(' ')).trimmed();
}

// Sends the question and blocks (the CLI's top level) until the turn is over or Ctrl+C stopped it.
bool runTurn(ChatSession &session, const QString &text)
{
    ShutdownSignals shutdown;
    bool interrupted = false;
    runBlocking([&](std::function<void()> finished) {
        QObject::connect(&session, &ChatSession::turnFinished, &shutdown, finished);
        QObject::connect(&shutdown, &ShutdownSignals::shutdownRequested, &session, [&, finished]() {
            interrupted = true;
            const bool answering = session.isBusy();
            session.stop(); // ends the turn when the model was answering
            if (!answering)
                finished(); // a local command's lookup: its late answer is not waited for
        });
        session.send(text);
    });
    return !interrupted;
}

// Waits until an approved proposal has run.
ChatCard runApproved(ChatSession &session, const QString &proposalId)
{
    const auto find = [&]() -> const ChatCard * {
        for (const ChatMessage &m : session.messages()) {
            for (const ChatCard &card : m.cards)
                if (card.proposalId == proposalId)
                    return &card;
        }
        return nullptr;
    };
    QObject guard;
    runBlocking([&](std::function<void()> finished) {
        QObject::connect(&session, &ChatSession::messageChanged, &guard, [&, finished]() {
            if (const ChatCard *card = find(); !card || card->state != ProposalState::Approved)
                finished();
        });
        session.approve(proposalId);
        if (const ChatCard *card = find(); !card || card->state != ProposalState::Approved)
            finished();
    });
    const ChatCard *card = find();
    return card ? *card : ChatCard{};
}

bool askYesNo(CliContext &context, const ChatCard &card)
{
    context.out() << "Approve " << card.title << "? [y/N] ";
    context.out().flush();
    char answer[16] = {};
    if (!std::fgets(answer, sizeof answer, stdin))
        return false;
    return answer[0] == 'y' || answer[0] == 'Y';
}

// The changes proposed in this turn: approved (--approve, or "y" in a terminal), rejected ("n"), or left
// pending for the window or a later `ask --approve`, which exits 3.
int settleProposals(CliContext &context, ChatSession &session, AskPrinter &printer, int from, bool approve,
                    bool interactive)
{
    QStringList pending;
    for (int i = from; i < session.messages().size(); ++i) {
        for (const ChatCard &card : session.messages().at(i).cards)
            if (!card.proposalId.isEmpty() && card.state == ProposalState::Pending)
                pending.append(card.proposalId);
    }
    bool failed = false;
    bool left = false;
    for (const QString &id : pending) {
        if (!approve && !interactive) {
            left = true;
            continue;
        }
        ChatCard card;
        for (const ChatMessage &m : session.messages())
            for (const ChatCard &c : m.cards)
                if (c.proposalId == id)
                    card = c;
        if (approve || askYesNo(context, card)) {
            card = runApproved(session, id);
            failed = failed || card.state != ProposalState::Done;
            printer.printOutcome(card);
        } else {
            session.reject(id);
            context.out() << "Rejected: nothing was sent.\n";
        }
    }
    if (left) {
        context.err()
            << "exeserver-cli: nothing was changed; run again with --approve, answer in a terminal, "
               "or approve it in the window (conversation "
            << session.conversationId() << ")\n";
        return ExitPending;
    }
    return failed ? ExitRefused : ExitOk;
}

int ask(CliContext &context, const QCommandLineParser &parser)
{
    if (parser.isSet(kList) || parser.isSet(kShow) || parser.isSet(kDelete))
        return manageConversations(context, parser);
    const bool fromStdin = parser.positionalArguments() == QStringList{QStringLiteral("-")};
    const QString text = question(parser);
    if (text.isEmpty())
        return context.usageError(QStringLiteral("no question given"));
    EventStore *store = context.store();
    ConnectedClient github;
    if (context.settings().isSet(setting::GitHubToken))
        github = makeClient(context);
    ChatSession session(context.settings(), context.network(), store, github.client.get());
    const Status opened = parser.isSet(kConversation) ? session.openConversation(parser.value(kConversation))
                                                      : session.startConversation();
    if (!opened)
        return context.refused(opened.error());
    const bool json = parser.isSet(kJson);
    if (json)
        context.out() << QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("conversation")},
                                                   {QStringLiteral("id"), session.conversationId()}})
                             .toJson(QJsonDocument::Compact)
                      << '\n';
    AskPrinter printer(session, context.out(), context.err(), json);
    const int from = int(session.messages().size());
    if (!runTurn(session, text)) {
        context.err() << "exeserver-cli: stopped; the conversation is kept (" << session.conversationId()
                      << ")\n";
        return ExitInterrupted;
    }
    const bool interactive = !json && !fromStdin && isatty(fileno(stdin)) && isatty(fileno(stdout));
    const int settled = settleProposals(context, session, printer, from, parser.isSet(kApprove), interactive);
    if (settled != ExitOk)
        return settled;
    return printer.sawError() ? ExitRefused : ExitOk;
}

} // namespace

void registerAskCommands(CommandTable &table)
{
    table.add(
        {.words = {QStringLiteral("ask")},
         .arguments = QStringLiteral("[QUESTION... | -]"),
         .summary = QStringLiteral("Ask the assistant (streams the answer; local /commands need no model)."),
         .run = ask,
         .options = {kConversation, kJson, kApprove, kList, kShow, kDelete}});
}

} // namespace exeserver::cli
