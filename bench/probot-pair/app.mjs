// The Probot side of the webhook pair: a minimal Probot app that keeps every event in a list (what the
// comparison in issue 24 measured), served by Node's http server on 127.0.0.1.
//   node app.mjs PORT     (WEBHOOK_SECRET in the environment; prints "listening" when ready)
import { createServer } from "node:http";
import { Probot, createNodeMiddleware } from "probot";

const port = Number(process.argv[2] || 3100);
const events = [];
const appFn = (app) => {
  app.onAny(async (context) => {
    events.push(context.payload);
  });
};
// A token instead of an App's key: nothing here calls GitHub, and a token needs no key file.
const probot = new Probot({ githubToken: "unused", secret: process.env.WEBHOOK_SECRET, logLevel: "warn" });
const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: "/webhook" });
const server = createServer((request, response) => {
  middleware(request, response, () => {
    response.writeHead(404);
    response.end();
  });
});
server.keepAliveTimeout = 60000;
server.listen(port, "127.0.0.1", () => console.log(`listening on ${port}`));
process.on("SIGTERM", () => {
  console.log(`events kept: ${events.length}`);
  process.exit(0);
});
