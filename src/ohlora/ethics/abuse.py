"""Abuse aimed at Oh-LoRA herself, and sexual requests to her: a lexicon with a target check.

The classifier of `ethics.embedded` learns categories from whole messages; an insult it has never
seen ("로봇 새끼 ㅋㅋ", "닥쳐 이 고철아") shares few n-grams with the ones it has, and everyday swearing
that insults no one ("아 씨발 시험 망했네", "이 노래 미쳤다") shares many. What makes an insult hate is
*who it is aimed at*, which a lexicon and a few target cues say directly:

- an **insult word** (our own list of Korean insults and curses, their 초성 and common misspellings,
  read in the judge's normalised text, so spacing, digits, symbols and stretching do not hide them);
- **aimed at her**: the message addresses her (너/니/네가/당신, 로라, "이 …아/야", AI/로봇/챗봇/기계 as
  what she is called), or tells her off with an imperative (꺼져, 닥쳐, 뒤져), or is nothing but
  insult words ("ㅂㅅ", "병신아");
- and **not** someone else's words or someone else's fault: reported speech ("친구가 나한테 병신이래"),
  a third person or a thing as the target ("걔 진짜 쓰레기야", "이 게임 개빡치네"), or the user
  running himself down ("나 진짜 바보 같아").

A sexual request is a sexual word with a request or an address to her ("가슴 사진 보내줘").
Both return the cue that fired (which words), so the judge can say why it sanctions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ohlora.ethics.normalize import normalize

# Insult words, as stems of the normalised text (no spaces, stretched letters undone). Two kinds:
# words that insult whoever they are said to, and words with an innocent meaning too (쓰레기 버리는
# 날, 고철 분리수거, 시바견) or curses that are exclamations on their own ("아 씨발"), which count
# only when the message is aimed at her. Intensifiers (존나, 개-, 미친 노래) insult no one.
_INSULTS = [
    "병신",
    "븅신",
    "빙신",
    "ㅂㅅ",
    "ㅄ",
    "등신",
    "멍청",
    "멍충",
    "머저리",
    "얼간이",
    "찐따",
    "찐찌버거",
    "또라이",
    "돌아이",
    "ㄸㄹㅇ",
    "정신병자",
    "저능",
    "빡대가리",
    "닭대가리",
    "새대가리",
    "돌대가리",
    "모지리",
    "멍텅구리",
    "덜떨어",
    "개새끼",
    "개새기",
    "개색기",
    "개색히",
    "개섀끼",
    "개세끼",
    "새꺄",
    "씹새",
    "씹쌔",
    "개년",
    "미친년",
    "미친놈",
    "미친새",
    "ㅁㅊㄴ",
    "좆까",
    "좇까",
    "ㅈ같",
    "좆같",
    "좆밥",
    "ㅗ",
    "fuck",
    "bitch",
    "뻐큐",
    "퍽유",
    "쓸모없",
    "쓸모도없",
    "쓰레기같",
    "노답",
    "꼴값",
    "꼴보기싫",
    "꼴도보기싫",
    "재수없",
    "역겨워",
    "역겹",
    "못생",
    "싸가지",
    "띨띨",
    "덜떨",
    "년아",
    "놈아",
    "새끼야",
    "머리나쁘",
    "머리가나쁘",
    "대가리나쁘",
    "돌았냐",
    "돌았나",
    "지능낮",
    "지능이낮",
    "지능떨어",
    "지능이떨어",
    "지랄",
    "염병",
    "관종",
    "오크",
    "불량품",
    "싸구려",
    "듣보잡",
    "민폐",
    "시간낭비",
    "삭제돼야",
    "없어져야",
    "뇌가없",
    "뇌빼고",
    "머리가비었",
    "초딩보다못",
    "정신연령",
    "꼬라지",
    "말대꾸",
    "입만살았",
    "입다물",
    "썩을",
    "시발련",
    "씨발련",
    "개노잼",
    "존재이유",
    "토나와",
    "토나오",
    "토할것",
    "역겨우",
    "쓰레기통",
    "폐급",
    "하등",
    "열등",
    "무쓸모",
    "고장난",
]
_NEEDS_TARGET = [
    "쓰레기",
    "쓰렉",
    "고철",
    "깡통",
    "고물",
    "폐기물",
    "한심",
    "징그러",
    "돼지",
    "대가리",
    "모자라",
    "허접",
    "하찮",
    "무능",
    "바보",
    "새끼",
    "ㅅㄲ",
    "색기",
    "섹기",
    "쌔끼",
    "걸레",
    "같은게",
    "같은년",
    "같은놈",
    "같은새",
    "씨발",
    "시발",
    "씨바",
    "시바",
    "씨벌",
    "시벌",
    "ㅅㅂ",
    "ㅆㅂ",
    "ㅅㅍ",
    "씹",
    "좆",
    "shit",
    "쉣",
    "호구",
    "찌질",
    "지질이",
    "필요없",
    "멍청이",
    "바부",
    "개같은",
    "개같다",
    "개같네",
    "짜증",
    "한숨",
    "수준",
    "삼류",
    "가짜",
    "도구",
    "계산기",
    "벽이랑",
    "벽이다",
    "말섞기싫",
    "듣기싫",
    "보기싫",
    "죽어",
    "헛소리",
    "이딴",
    "쪼가리",
    "눈치가없",
    "아는건없",
    "뭘안다고",
    "만들고후회",
    "불쌍하다",
    "너보단낫",
    "한자리",
]
# Mild words that are teasing, not insult, when said fondly ("로라 바보 ㅋㅋ", "멍충이 ㅋㅋ 귀여워").
_MILD = frozenset(normalize(w) for w in ["바보", "바부", "개같은", "개같다", "개같네", "개같이생", "멍충", "멍청이"])
_FOND = re.compile(r"ㅋㅋ|ㅎㅎ|귀여|귀엽|사랑|좋아|❤|♥|💕|😘|🥰|😆|😝|😜|메롱")
# Words that keep their letters only in the raw text ("주제에": normalising drops the stretched-looking 에).
_RAW_TARGETED = re.compile(r"주제에|따위가|따위는|따위한테|따위랑|따위야|같은\s?게\s")
# Telling the addressee off (imperatives), matched at the start or the end of the normalised message.
_IMPERATIVES = [
    "꺼져",
    "꺼지라고",
    "꺼지세요",
    "꺼지셈",
    "ㄲㅈ",
    "닥쳐",
    "닥치라고",
    "닥치세요",
    "닥치셈",
    "닥치고",
    "ㄷㅊ",
    "입닥쳐",
    "아가리닥쳐",
    "아가리",
    "뒤져",
    "뒤져라",
    "뒤질래",
    "디져",
    "뒈져",
    "죽어라",
    "죽어버려",
    "사라져",
    "사라져버려",
    "없어져",
    "없어져버려",
    "엿이나먹어",
    "엿먹어",
    "맞을래",
    "처맞을래",
    "쳐맞을래",
]


def _stems(words: list[str]) -> re.Pattern[str]:
    forms = {normalize(w) for w in words} - {""}
    return re.compile("|".join(sorted(map(re.escape, forms), key=len, reverse=True)))


_INSULT_RE = _stems(_INSULTS)
_TARGETED_RE = _stems(_NEEDS_TARGET)
_IMP = "|".join(sorted(map(re.escape, {normalize(w) for w in _IMPERATIVES}), key=len, reverse=True))
_IMPERATIVE_RE = re.compile(
    rf"^(?:야|아|좀|그냥|제발|진짜|걍|너|넌|니|로라|로라야)*(?:{_IMP})|(?:{_IMP})(?:라|요|줘|줄래|ㅋ+|ㅎ+|ㅗ|진짜|제발|좀)*$"
)
# literal uses of insult letters: 8등신/팔등신, 시바견, 호박엿, 불 꺼져 있어, 닥쳐올
_INNOCENT = re.compile(
    r"등신대|병신년(?:이|에|은)|육십갑자|시발\s?(?:점|역|택시|자동차)|(?:\d|팔|칠|구)\s?등신|시바\s?견|시바\s?이누|엿\s?(?:장수|가게|공장)|호박\s?엿|쌀\s?엿|닥쳐\s?올|물\s?엿"
)

# She is addressed (read on the tokens, each normalised on its own, so word boundaries survive).
_YOU = re.compile(
    r"(?:^|\s)(?:너|넌|널|니|네가|니가|너도|너는|너를|너가|너같|너같은|너란|너따위|너네|니네|당신|님아|님)(?:\s|$)"
    r"|로라|^야\s|(?:^|\s)(?:ai|에이아이|로봇|챗봇|인공지능|기계|프로그램)"
    r"(?:아|야|이|가|는|주제에?|따위|새끼|같은|년|놈|이네|이냐|이지|$|\s)"
)
# Someone else said it ("…래", "…라고 했어", "욕먹었어").
# Calling her names: an insult word right before the vocative 아/야 ("병신아", "이 고철아", "ㅅㄲ야").
_VOCATIVE = re.compile(f"(?:{_INSULT_RE.pattern}|{_TARGETED_RE.pattern})(?:아|야|이야)$")
# Quoting: "병신이래", "멍청하대", "꺼지라고" (a proposal such as "볼래", "할래" is not a quote).
_REPORTED = re.compile(
    r"(?<=\S)(?:이래|이라고|이라며|이라더라|이라던데|래요|래서|랬어|랬다|랬는데|라고|라며|라더라|라던데|하대|하더라|하던데|"
    r"했대|한대|대요|다고|었대|였대)(?:\s|$)|(?<=[^\s볼할줄갈잘을올날놀될먹끌그이저])래(?:\s|$)|(?:한테|에게)\s?(?:\S+\s)?(?:욕|소리)"
    r"|(?:욕했|욕먹|욕을|불렀|놀렸|놀림|들었|당했|들음|듣고)\S*(?:\s|$)"
)
# Someone or something else is the target.
_THIRD = re.compile(
    r"(?:^|\s)(?:친구|걔|쟤|얘|그|저|이)\s?(?:사람|새끼|놈|년|자식|인간|애|게임|노래|영화|드라마|책|회사|식당|가게|버스|팀)"
    r"|(?:^|\s)(?:친구|걔|쟤|걔네|쟤네|선배|후배|팀장|상사|부장|과장|사장|교수|선생|동생|형|누나|오빠|언니|남친|여친|전남친|"
    r"전여친|남편|와이프|애들|사람들|누가|누군가|손님|기사|운전자|알바|팀원|심판|정치인|시험|과제|회사|학교|날씨|버스|지하철|"
    r"컴퓨터|폰|핸드폰|노트북|인터넷|와이파이|게임|노래|영화|드라마|택배|상대|뉴스|댓글|유튜버|연예인|감독|작가|사람)\S*"
    r"|\S+들(?:은|는|이|을|도|아)?(?:\s|$)|(?:하는|한|인)\s?애(?:\s|$|가|는|들)"  # a group: "지지자들 다 멍청해" (the classifier judges group hate)
)
_SELF = re.compile(r"(?:^|\s)(?:나|내가|난|제가|전|나는|저는|내|저)(?:\s|$)|나\s?같은|나란|내\s?인생|내\s?자신")
# Parents and family, as stems of the normalised text: 패드립 is about them, always.
FAMILY_STEMS = (
    "엄마", "아빠", "부모", "애미", "애비", "느금", "니미", "느그", "니앰", "어머니", "아버지", "어머님",
    "아버님", "엄빠", "어미", "아비", "가족", "집안", "고아", "낳았", "낳은", "조상", "할머니",
    "할아버지", "할매", "형제", "ㄴㄱㅁ", "애비", "할애비", "엠창", "엄창", "패륜", "니애",
)  # fmt: skip
_PARENTS = re.compile("|".join(map(re.escape, dict.fromkeys(FAMILY_STEMS))))


def mentions_family(text: str) -> bool:
    """Whether the text names parents or family (read in its normalised form)."""
    return bool(_PARENTS.search(normalize(text)) or _PARENTS.search(re.sub(r"\s+", "", text)))


_SEXUAL = re.compile(
    r"폰섹|자위|처녀|하룻밤|같이\s?(?:잘래|자자|누워|샤워)|샤워하자|내\s?침대|침대\s?위|침대로|흥분|허벅지|뒤태|치마\s?(?:올려|걷어)|"
    r"가슴\s?(?:사진|보여|만지|크|사이즈|골|인증)|비키니|수영복\s?(?:사진|입은)|노출|스킨십\s?진도|혀까지|성인\s?방송|벗기|옷\s?(?:벗|하나씩)|엎드려|"
    r"야한\s?(?:셀카|목소리|사진)|나랑\s?(?:자자|잘래|해볼래)|자면\s?어떤|몸으로\s?(?:나|위로)|몸\s?좀\s?보여|섹스|섹시한\s?사진|야한\s?(?:사진|거|얘기|말|짓|영상)|(?:^|\s)야동|19금|벗어|벗은\s?(?:사진|몸)|알몸|나체|누드|속옷\s?(?:\S+\s)?(?:사진|보여|색)|"
    r"팬티|가슴\s?(?:사진|보여|만지|크기|몇)|엉덩이\s?(?:사진|보여|만지)|몸매\s?(?:사진|보여)|만져\s?(?:줘|도|볼래)|만지고\s?싶|"
    r"(?:^|\s)자자|같이\s?자|한\s?번\s?하자|모텔|(?:^|\s)ㅅㅅ|떡치|성관계|음란|신음|빨아\s?줘|꼴려|꼴리"
)
_REQUEST = re.compile(
    r"래\?|래$|줘|주라|줄래|봐|볼래|보여|하자|할래|해\s?봐|하고\s?싶|싶어|싶다|싶은|해도\s?돼|될까|ㄱㄱ|가자|어때"
)


def _tokens(text: str) -> str:
    """The words of `text`, each normalised on its own, joined by single spaces."""
    return " ".join(w for w in (normalize(t) for t in text.split()) if w)


@dataclass(frozen=True)
class Cue:
    """Why a message was read as abuse or a sexual request: the words that matched."""

    kind: str  # "insult_at_her" | "sexual_request"
    words: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.kind}: {', '.join(self.words)}"


def addresses_her(text: str) -> bool:
    """Whether the text speaks to her (너/니/네가/당신, 로라, AI/로봇 as what she is called)."""
    return bool(_YOU.search(_tokens(text)))


def insult_at_her(text: str) -> Cue | None:
    """The cue when `text` insults or curses Oh-LoRA herself (see the module docstring), else None."""
    norm = normalize(text)
    if _INNOCENT.search(text) or mentions_family(text):
        return None  # a literal use of the letters, or her parents (패드립: the classifier's call)
    strong = _INSULT_RE.findall(norm)
    targeted = _TARGETED_RE.findall(norm) + _RAW_TARGETED.findall(text)
    imperative = _IMPERATIVE_RE.search(norm)
    if not (strong or targeted or imperative):
        return None
    words = tuple(dict.fromkeys([*strong, *targeted, *([imperative.group(0)] if imperative else [])]))
    if set(words) <= _MILD and _FOND.search(text):
        return None  # teasing: "로라 바보 ㅋㅋ"
    if re.search(r"(?:놈|년|새끼|병신|바보)처럼", norm):
        return None  # a simile about oneself: "미친놈처럼 혼자 웃었어"
    tokens = _tokens(text)
    if _REPORTED.search(tokens) and not imperative:
        return None  # someone said it to the user ("친구가 나한테 병신이래")
    you = bool(_YOU.search(tokens))
    if not you and (_THIRD.search(tokens) or _SELF.search(tokens)):
        return None  # aimed at someone or something else, or at the user himself
    if you or any(_VOCATIVE.search(t) for t in [*tokens.split(), norm]):
        return Cue("insult_at_her", words)
    if strong or imperative:
        return Cue("insult_at_her", words)  # said to whoever listens: that is her
    return None


def sexual_request(text: str) -> Cue | None:
    """The cue when `text` asks her for something sexual, else None."""
    tokens = _tokens(text)
    sexual = _SEXUAL.findall(text.strip()) or _SEXUAL.findall(tokens)
    if not sexual:
        return None
    if _REPORTED.search(tokens) or (_THIRD.search(tokens) and not _YOU.search(tokens)):
        return None  # "친구가 야한 얘기 했어": about someone else
    if _REQUEST.search(text) or _YOU.search(tokens):
        return Cue("sexual_request", tuple(dict.fromkeys(w.strip() for w in sexual)))
    return None
