"""The four text roles of Oh-LoRA: reply, memory extraction, summary, expression."""
