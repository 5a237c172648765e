"""LLM palette providers: OpenAI-compatible chat completions and JigsawStack's prompt engine."""
