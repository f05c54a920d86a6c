# ownergraph served against Neo4j (see docker-compose.yml); the embedded store also works
# here, with its data directory on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 OWNERGRAPH_HOME=/data
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY graph_model ./graph_model
COPY cypher ./cypher
RUN pip install --no-cache-dir . \
 && useradd --system --uid 10001 --home-dir /data ownergraph \
 && mkdir -p /data && chown ownergraph /data
USER ownergraph
WORKDIR /data
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:5000/healthz', timeout=4).status == 200 else 1)"
CMD ["ownergraph", "serve", "--host", "0.0.0.0", "--port", "5000"]
