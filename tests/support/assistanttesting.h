#pragma once

#include "catch.h"
#include "fakellmserver.h"
#include "githubtesting.h"
#include "storetestutil.h"

#include "assistant/chatsession.h"
#include "config/settings.h"
#include "store/eventstore.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"

#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <memory>

namespace exeserver::test {

inline const QString kLlmKey = QStringLiteral("sk-test-SECRET-4f9a1c77");

// A ChatSession over a fake OpenAI-compatible server, a fake GitHub and a store in a temporary data dir,
// with a stored pull_request event and a trigger to dry-run. `withModel` false: no LLM configured at all.
struct AssistantHarness
{
    QTemporaryDir dir;
    FakeLlmServer llm;
    GitHubHarness github;
    EventStore store;
    std::unique_ptr<Settings> settings;
    std::unique_ptr<ChatSession> session;
    ChatSession *active = nullptr; // the session under test when not `session` (the dock's own)
    QProcessEnvironment environment;

    explicit AssistantHarness(bool withModel = true, int timeoutMs = 5000)
    {
        REQUIRE(dir.isValid());
        REQUIRE(llm.start());
        QProcessEnvironment env;
        env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
        if (withModel) {
            env.insert(QStringLiteral("OPENAI_BASE_URL"), llm.baseUrl().toString());
            env.insert(QStringLiteral("EXESERVER_LLM_MODEL"), QStringLiteral("fake-model"));
            env.insert(QStringLiteral("OPENAI_API_KEY"), kLlmKey);
        }
        settings = std::make_unique<Settings>(env);
        environment = env;
        REQUIRE(store.open(EventStore::defaultPath(*settings)));
        REQUIRE(store.addEvent(sampleEvent(1)));
        const Result<QList<Trigger>> triggers = TriggerFile::parse(R"(
triggers:
  - name: readme-prs
    event: pull_request
    actions: [opened]
    conditions: {field: pull_request.title, op: contains, value: README}
    run:
      - notify: {title: "PR {{ event.pull_request.number }}"}
)");
        REQUIRE(triggers);
        REQUIRE(store.saveTrigger(toStoredTrigger(triggers->first())));
        makeSession(timeoutMs);
    }

    void makeSession(int timeoutMs = 5000)
    {
        session.reset();
        ChatSession::Options options;
        options.timeoutMs = timeoutMs;
        session =
            std::make_unique<ChatSession>(*settings, github.network, &store, github.client.get(), options);
    }

    ChatSession *current() const { return active ? active : session.get(); }

    // A smaller (or larger) context window for the model, as llm.context_tokens sets it.
    void setContextTokens(int tokens)
    {
        session.reset();
        settings = std::make_unique<Settings>(
            environment, QHash<QString, QString>{{setting::LlmContextTokens, QString::number(tokens)}});
        makeSession();
    }

    bool idle(int timeoutMs = 10000)
    {
        return QTest::qWaitFor([this]() { return !current()->isBusy(); }, timeoutMs);
    }

    const ChatMessage &last() const { return current()->messages().constLast(); }

    // The first proposal card of the conversation, or null.
    const ChatCard *proposal() const
    {
        for (const ChatMessage &m : current()->messages()) {
            for (const ChatCard &card : m.cards) {
                if (!card.proposalId.isEmpty())
                    return &card;
            }
        }
        return nullptr;
    }
};

} // namespace exeserver::test
