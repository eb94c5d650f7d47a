"""The memory panel: what Oh-LoRA remembers about this user; add and forget items."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ohlora import messages
from ohlora.memory import is_memory_item
from ohlora.mind.completion import normalise_memory
from ohlora.web.deps import CurrentUser, State, api_error, api_rate, require_access, require_json, same_origin

router = APIRouter(dependencies=[Depends(require_access), Depends(api_rate)])
NO_STORE = {"Cache-Control": "no-store"}


class MemoryIn(BaseModel):
    item: str


async def _items(state, user: str) -> list[str]:
    return await anyio.to_thread.run_sync(state.engine.memory.items, user)


@router.get("/api/memory")
async def list_memory(state: State, user: CurrentUser) -> JSONResponse:
    return JSONResponse({"items": await _items(state, user)}, headers=NO_STORE)


@router.post("/api/memory", dependencies=[Depends(same_origin), Depends(require_json)])
async def add_memory(body: MemoryIn, state: State, user: CurrentUser) -> JSONResponse:
    item = normalise_memory(body.item.strip())  # '[k:v]', '(k : v)' or 'k: v' become '[k: v]'
    if len(item) > 200 or not is_memory_item(item):
        raise api_error(400, "bad_item", messages.MEMORY_BAD_ITEM)
    now = state.clock.now().timestamp()
    added = await anyio.to_thread.run_sync(state.engine.memory.add, user, [item], now)
    template = messages.MEMORY_ADDED if added else messages.MEMORY_DUPLICATE
    return JSONResponse({"added": bool(added), "message": template.format(item=item),
                         "items": await _items(state, user)})


@router.post("/api/memory/forget", dependencies=[Depends(same_origin), Depends(require_json)])
async def forget_memory(body: MemoryIn, state: State, user: CurrentUser) -> JSONResponse:
    found = await anyio.to_thread.run_sync(state.engine.memory.forget, user, body.item)
    template = messages.MEMORY_FORGOTTEN if found else messages.MEMORY_NOT_FOUND
    return JSONResponse({"forgotten": found, "message": template.format(item=body.item.strip()),
                         "items": await _items(state, user)})
