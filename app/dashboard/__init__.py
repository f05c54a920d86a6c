"""The HTML dashboard for responders (server-rendered pages and their graphs) and the
read-only Cypher console for analysts."""
