# Practice Bot: slim Python base, non-root user, with the semantic extra for the default hybrid
# retriever. torch comes from PyTorch's CPU index first, so pip does not pull a multi-GB CUDA build.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN useradd --create-home --uid 10001 practicebot
# Tesseract reads photos and scanned PDFs, offline (issue 18)
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY adapters ./adapters
COPY scheduler ./scheduler
COPY practicebot.toml ./
RUN pip install torch --index-url https://download.pytorch.org/whl/cpu \
 && pip install '.[semantic]' && mkdir -p /app/var && chown -R practicebot /app/var

USER practicebot
# export the sentence model for ONNX Runtime once, with its int8 copy for questions, into the
# image (~/.cache/practicebot/onnx), rather than at each container's first start; a failed export
# only leaves it on torch
RUN python -c "from handlers.questions.retrieval.dense import encoder; e = encoder('all-MiniLM-L6-v2'); print(e.runtime, e.query_precision)"
EXPOSE 3000
# alive = answering on run's HTTP port (the port also serves /readyz for a load balancer)
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request as r; r.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]
CMD ["python", "-m", "bot", "run"]
