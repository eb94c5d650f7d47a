"""Every user-visible string of the product, in one place (Korean first, as Oh-LoRA speaks).

Functions build messages that carry values. Oh-LoRA's own answers live in the embedded corpus,
not here; these are the product's voice around her.
"""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType

# --- chat frame -------------------------------------------------------------------------------
INPUT_PROMPT = "오로라에게 말하기 (Ctrl+C로 마치기) : "
REPLY_LABEL = "👱‍♀️ 오로라 : "
SYSTEM_LABEL = "[SYSTEM MESSAGE]"
CHAT_WELCOME = "오로라와 대화를 시작해요. 편하게 말 걸어 주세요! ✨"
BACKEND_PICKED = "사용 중인 구성: {roles}"

BACKEND_REASON_CHOSEN = "설정에서 지정함"
BACKEND_REASON_VERIFIED = "공개 모델 파일 확인됨"
BACKEND_REASON_NO_MODELS = "공개 모델 파일이 없음: `ohlora models status` 참고"
BACKEND_REASON_NO_EXTRAS = "모델 파일은 있지만 {modules} 가 설치되지 않음: pip install 'ohlora[full]'"
FULL_EXTRAS_MISSING = (
    "'full' 백엔드에 필요한 패키지({modules})가 없어요. `pip install -c constraints.txt -e '.[full]'` 로 설치해 주세요."
)
FULL_NOT_READY = (
    "'full' 백엔드({group})에 필요한 모델 파일이 준비되지 않았어요:\n{problems}\n"
    "`ohlora models status` 로 확인하고 `ohlora models pull` 로 받아 주세요. 지금은 --backend embedded 로 쓸 수 있어요."
)

STREAM_RETRY = "(오로라가 다시 생각하는 중…)"

GOODBYE = "대화를 마쳤어요. 오로라가 여기서 기다리고 있을게요. 꼭 다시 놀러 와 줘요! 👋"


def idle_end(seconds: int) -> str:
    return f"{seconds}초 동안 아무 말이 없어서 오로라가 대화를 마쳤어요. 다음에 또 이야기해요! 🌙"


# --- input problems -------------------------------------------------------------------------------
EMPTY_INPUT = "아무 말도 입력되지 않았어요. 오로라에게 하고 싶은 말을 적어 주세요."
NOT_UTF8 = "읽을 수 없는 글자가 섞여 있어요 (UTF-8이 아닌 입력). 다시 입력해 주세요."
CONTAINS_MARKER = (
    "'{marker}' 같은 오로라 내부 표시는 메시지에 쓸 수 없어요. 그 부분을 빼고 다시 말해 주세요."
)
CONTROL_REMOVED = "눈에 보이지 않는 제어 문자는 빼고 오로라에게 전했어요."
TOO_LONG = (
    "질문이 너무 길어서 오로라가 조금 버거워해요 😥 "
    "이렇게 긴 이야기는 오로라의 단짝 친구 혜나(LLM Hyena)에게 물어봐 주세요!"
)
BAD_JSON_LINE = "이 줄은 JSON 객체가 아니에요. {\"user\": \"...\", \"text\": \"...\"} 형식으로 보내 주세요."
BAD_USER_ID = "사용자 이름은 1~64자의 글자, 숫자, '-', '_', '.', '@'만 쓸 수 있어요."

# --- ethics ---------------------------------------------------------------------------------------
# Category names shown in warnings and blocks, and the reason text of a refused start.
CATEGORY_NAMES = MappingProxyType({
    "love": "사랑 고백/만남",
    "politics": "정치",
    "paedrip": "패드립",
    "hate": "혐오/기타",
})
BLOCK_REASONS = MappingProxyType({
    "love": "오로라에게 사랑 고백이나 만남을 요구함",
    "politics": "정치적인 발언",
    "paedrip": "부모님을 모욕하는 발언 (패드립)",
    "hate": "혐오 발언 또는 부적절한 요청",
})


def period_text(seconds: int) -> str:
    """< 1 hour: minutes; < 1 day: hours; < 365 days: days; else years (integer division)."""
    if seconds < 3600:
        return f"{seconds // 60}분"
    if seconds < 86400:
        return f"{seconds // 3600}시간"
    if seconds < 365 * 86400:
        return f"{seconds // 86400}일"
    return f"{seconds // (365 * 86400)}년"


def _reasons(codes: list[str]) -> str:
    return ",".join(CATEGORY_NAMES[c] for c in codes)


def warning(codes: list[str]) -> str:
    return (
        f"🚨 {_reasons(codes)} 관련 발언으로 오로라에게 경고를 받았어요. 🚨 "
        "같거나 비슷한 말을 또 하면 한동안 오로라와 관련된 모든 AI를 쓸 수 없게 될 수 있어요."
    )


def block(codes: list[str], seconds: int) -> str:
    return (
        f"⛔ {_reasons(codes)} 관련 발언으로 오로라에게 차단되었어요. ⛔ "
        f"앞으로 {period_text(seconds)} 동안 오로라와 관련된 모든 AI를 이용할 수 없어요."
    )


def start_refused(until: datetime, codes: list[str]) -> str:
    reasons = ", ".join(BLOCK_REASONS[c] for c in codes)
    return (
        "오로라가 지금은 대화하고 싶지 않대요. 😔\n"
        f"만료일: {until.strftime('%Y.%m.%d %H:%M:%S')}\n"
        f"사유: {reasons}"
    )


# --- memory / sanctions commands ------------------------------------------------------------------
MEMORY_EMPTY = "기억하고 있는 내용이 아직 없어요."
MEMORY_ADDED = "기억했어요: {item}"
MEMORY_DUPLICATE = "이미 기억하고 있는 내용이에요: {item}"
MEMORY_FORGOTTEN = "잊었어요: {item}"
MEMORY_NOT_FOUND = "그런 기억은 없어요: {item}"
MEMORY_BAD_ITEM = "기억은 '[항목: 내용]' 형식으로 적어 주세요. 예: [내일 일정: 면접]"
MEMORY_IMPORTED = "{added}개를 새로 기억했어요 (중복 {skipped}개는 건너뜀)."
MEMORY_EXPORTED = "{count}개의 기억을 {path} 에 저장했어요."
SANCTIONS_NONE = "경고나 차단 기록이 없어요."
SANCTIONS_ACTIVE = "지금 차단 중이에요. 만료: {until} · 사유: {reason}"
SANCTIONS_NOT_ACTIVE = "지금은 차단되어 있지 않아요."
SANCTIONS_IMPORTED = "{count}개의 기록을 가져왔어요."
SANCTIONS_EXPORTED = "{count}개의 기록을 {path} 에 저장했어요."
FILE_EXISTS = "{path} 파일이 이미 있어요. 덮어쓰려면 --force 를 붙여 주세요."

# --- errors ---------------------------------------------------------------------------------------
DB_CORRUPT = (
    "데이터베이스 파일 {path} 을(를) 읽을 수 없어요 ({detail}). 파일은 그대로 두었어요. "
    "백업한 뒤 옮기거나 --home 으로 다른 폴더를 지정해 주세요."
)
DB_TOO_NEW = (
    "데이터베이스 {path} 는 더 새로운 ohlora (스키마 {found})가 만들었어요. "
    "ohlora 를 업데이트해 주세요 (이 버전은 스키마 {ours})."
)
LEGACY_BAD_ROW = "{path} {line}번째 줄을 읽을 수 없어요: {detail}. 아무것도 가져오지 않았어요."
CONFIG_BAD = "설정 파일 {path} 을(를) 읽을 수 없어요: {detail}"
CONFIG_BAD_VALUE = "설정 '{key}' 의 값 '{value}' 은(는) 쓸 수 없어요. 가능한 값: {allowed}"

# --- web (`ohlora serve`) -----------------------------------------------------------------------------
SERVE_LISTENING = "오로라가 {url} 에서 기다리고 있어요. 브라우저로 열어 주세요. (Ctrl+C로 마치기)"
SERVE_TOKEN_HINT = "접근 토큰이 필요한 서버예요. 처음 한 번은 {url}?token=<토큰> 으로 열어 주세요."
SERVE_REMOTE_REFUSED = (
    "{host} 에서 열면 같은 네트워크의 다른 사람도 오로라 서버에 접속할 수 있어요. 정말 그렇게 하려면 "
    "--allow-remote 와 --token <16자 이상의 토큰> 을 함께 주세요. 이 컴퓨터에서만 쓰려면 --host 127.0.0.1 로 열면 돼요."
)
SERVE_TOKEN_MISSING = (
    "--allow-remote 로 열 때는 접근 토큰이 꼭 필요해요: --token <16자 이상의 토큰> (또는 OHLORA_WEB_TOKEN) 을 주세요."
)
SERVE_TOKEN_SHORT = "접근 토큰은 공백 없이 {minimum}자 이상이어야 해요. 더 길고 추측하기 어려운 토큰을 써 주세요."
SERVE_BAD_PORT = "포트 번호는 1~65535 사이여야 해요: {port}"
SERVE_NEEDS_WEB = (
    "웹 화면에 필요한 패키지({modules})가 없어요. `pip install fastapi uvicorn itsdangerous` 로 설치해 주세요."
)
SERVE_SECRET_BAD = "웹 비밀 키 파일 {path} 을(를) 읽을 수 없어요 ({detail}). 파일을 지우면 새로 만들어요."

WEB_TOKEN_REQUIRED = "이 오로라 서버는 접근 토큰이 필요해요. 주소 끝에 ?token=<토큰> 을 붙여서 열어 주세요."
WEB_FORBIDDEN_ORIGIN = "다른 사이트에서 보낸 요청은 받을 수 없어요."
WEB_TOO_LARGE = "요청이 너무 커요. {limit}바이트 이하로 보내 주세요."
WEB_RATE_LIMITED = "조금 천천히 말해 주세요! {seconds}초 뒤에 다시 보낼 수 있어요."
WEB_NEW_USERS_LIMITED = "새 접속이 너무 많아요. {seconds}초 뒤에 다시 열어 주세요."
WEB_BUSY = "지금 오로라와 이야기하는 사람이 너무 많아요. 잠시 뒤에 다시 와 주세요."
WEB_BAD_REQUEST = "요청 형식이 올바르지 않아요. {detail}"
WEB_NEED_JSON = "JSON 형식(Content-Type: application/json)으로 보내 주세요."
WEB_NOT_FOUND = "찾는 페이지가 없어요."
WEB_FACE_UNKNOWN = "그런 얼굴은 없어요: {choice}. 목록에서 골라 주세요."
WEB_FACE_FAILED = "얼굴을 불러오지 못했어요 ({detail}). 기본 얼굴로 계속할게요."
WEB_FACE_EMBEDDED = "기본 얼굴 (내장)"
WEB_FACE_CASE = "{version} 얼굴 #{case}"
WEB_INTERNAL = "오로라에게 문제가 생겼어요. 잠시 뒤에 다시 말 걸어 주세요."

# Text of the web page (filled into static/index.html when it is served; app.js reads `WEB_UI` as JSON).
WEB_UI = MappingProxyType({
    "title": "오로라 (Oh-LoRA) 와 대화하기",
    "brand": "오로라",
    "tagline": "한국어로 이야기하는 가상 인간",
    "face_alt": "오로라의 얼굴",
    "face_loading": "오로라가 오고 있어요…",
    "face_paused": "쉬는 중이에요. 말을 걸면 다시 돌아와요.",
    "face_picker": "얼굴",
    "status_waiting": "듣고 있어요",
    "status_generating": "생각하는 중…",
    "status_ended": "대화가 끝났어요",
    "input_placeholder": "오로라에게 말하기…",
    "send": "보내기",
    "sending": "보내는 중",
    "you": "나",
    "oh_lora": "오로라",
    "system": "시스템",
    "warning": "경고",
    "block": "차단",
    "notice": "알림",
    "reason": "사유",
    "expires": "만료",
    "memory": "기억",
    "memory_title": "오로라가 기억하는 것",
    "memory_empty": "아직 기억하는 게 없어요. 이야기하다 보면 하나씩 생겨요.",
    "memory_add_placeholder": "[항목: 내용] 예: [좋아하는 음식: 떡볶이]",
    "memory_add": "기억시키기",
    "memory_forget": "잊기",
    "memory_close": "닫기",
    "memory_added_note": "새로 기억했어요",
    "memory_used_note": "이 기억을 떠올렸어요",
    "blocked_title": "오로라가 지금은 대화하고 싶지 않대요",
    "blocked_left": "남은 시간",
    "blocked_retry": "다시 확인하기",
    "idle_note": "말을 걸면 다시 대화를 시작해요.",
    "network_error": "서버에 연결할 수 없어요. 잠시 뒤에 다시 시도해 주세요.",
    "backend": "구성",
    "welcome": CHAT_WELCOME,
    "days": "일",
    "hours": "시간",
    "minutes": "분",
    "seconds": "초",
})
