// Starts the Cosmos-compatible test server (npm @vercel/cosmosdb-server) on
// 127.0.0.1 and a free port (or COSMOS_SERVER_PORT), over HTTPS with the
// package's self-signed certificate. Prints one line "Ready to accept HTTPS connections at
// 127.0.0.1:<port>" once listening. Exits when its stdin closes, so a crashed
// test run never leaves a server behind. Started by tests/cosmos_server.py.
"use strict";

// Known gap, fixed here rather than worked around in the backend: a point read
// of a missing document crashes the package's handler (500 instead of 404),
// because it dereferences the missing document. Real Cosmos answers 404, so
// answer 404 before delegating. Must run before the package's routes load.
const readDocument = require("@vercel/cosmosdb-server/lib/handler/read-document");
const { parsePartitionKey } = require("@vercel/cosmosdb-server/lib/utils/get-partition-from-header");

const originalReadDocument = readDocument.default;
readDocument.default = (account, req, res, params) => {
  const collection = account.database(params.dbId).collection(params.collId);
  const header = req.headers["x-ms-documentdb-partitionkey"];
  if (collection.read() && typeof header === "string") {
    const partition = parsePartitionKey(header, params.docId);
    if (!collection.document(params.docId, partition).read()) {
      res.statusCode = 404;
      return {
        code: "NotFound",
        message: "Entity with the specified id does not exist in the system.",
      };
    }
  }
  return originalReadDocument(account, req, res, params);
};

// Known gap: for an item route whose database or container does not exist, the
// package answers like a missing item (or crashes). Real Cosmos answers 404
// with sub-status 1003 ("owner resource does not exist"), which is how the
// backend tells a lost container from a missing item: answer that first.
for (const name of [
  "batch-documents",
  "create-document",
  "delete-document",
  "patch-document",
  "query-documents",
  "read-document",
  "read-documents",
  "replace-document",
  "upsert-document",
]) {
  const handler = require(`@vercel/cosmosdb-server/lib/handler/${name}`);
  const original = handler.default;
  handler.default = (account, req, res, params) => {
    if (!account.database(params.dbId).collection(params.collId).read()) {
      res.statusCode = 404;
      res.setHeader("x-ms-substatus", "1003");
      return { code: "NotFound", message: "Owner resource does not exist" };
    }
    return original(account, req, res, params);
  };
}

const { createHttpsServer } = require("@vercel/cosmosdb-server");

// keepAlive: the package closes every connection by default, which makes each
// request a new TLS handshake.
const server = createHttpsServer({ keepAlive: true });
// COSMOS_SERVER_PORT: a fixed port, so a restarted server is found where the
// killed one was (tests/storage/test_faults.py); a free one otherwise.
server.listen(Number(process.env.COSMOS_SERVER_PORT || 0), "127.0.0.1", () => {
  const { address, port } = server.address();
  process.stdout.write(`Ready to accept HTTPS connections at ${address}:${port}\n`);
});

process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
