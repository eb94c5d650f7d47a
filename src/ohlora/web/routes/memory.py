"""The memory panel: what Oh-LoRA remembers about this user; add and forget items.

Every item goes through the shared input normaliser (`conversation.inputs`) before it is stored
or echoed. A blocked user may read and forget memories, not add new ones.
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ohlora import messages
from ohlora.conversation.inputs import clean_memory_item, clean_memory_query
from ohlora.errors import BadInput
from ohlora.web.deps import CurrentUser, State, api_error, api_rate, require_access, require_json, same_origin
from ohlora.web.routes.common import block_info

router = APIRouter(dependencies=[Depends(require_access), Depends(api_rate)])
NO_STORE = {"Cache-Control": "no-store"}


class MemoryIn(BaseModel):
    item: str


async def _items(state, user: str) -> list[str]:
    return await anyio.to_thread.run_sync(state.services.memory.items, user)


@router.get("/api/memory")
async def list_memory(state: State, user: CurrentUser) -> JSONResponse:
    return JSONResponse({"items": await _items(state, user)}, headers=NO_STORE)


@router.post("/api/memory", dependencies=[Depends(same_origin), Depends(require_json)])
async def add_memory(body: MemoryIn, state: State, user: CurrentUser) -> JSONResponse:
    try:
        item = clean_memory_item(body.item)
    except BadInput as exc:
        raise api_error(400, "bad_item", str(exc)) from exc
    block = await block_info(state, user)
    if block is not None:  # a block stops every change she would act on; reading and forgetting stay
        error = api_error(403, "blocked", messages.MEMORY_ADD_BLOCKED.format(
            until=block["until_text"], reasons=block["reason_text"]))
        error.detail["block"] = block
        raise error
    now = state.clock.now().timestamp()
    added = await anyio.to_thread.run_sync(state.services.memory.add, user, [item], now)
    template = messages.MEMORY_ADDED if added else messages.MEMORY_DUPLICATE
    return JSONResponse({"added": bool(added), "message": template.format(item=item),
                         "items": await _items(state, user)})


@router.post("/api/memory/forget", dependencies=[Depends(same_origin), Depends(require_json)])
async def forget_memory(body: MemoryIn, state: State, user: CurrentUser) -> JSONResponse:
    try:
        item = clean_memory_query(body.item)
    except BadInput as exc:
        raise api_error(400, "bad_item", str(exc)) from exc
    found = await anyio.to_thread.run_sync(state.services.memory.forget, user, item)
    template = messages.MEMORY_FORGOTTEN if found else messages.MEMORY_NOT_FOUND
    return JSONResponse({"forgotten": found, "message": template.format(item=item),
                         "items": await _items(state, user)})
