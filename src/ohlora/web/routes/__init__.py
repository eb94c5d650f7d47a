"""One router per concern: session (page, health, state), chat, face, memory."""
