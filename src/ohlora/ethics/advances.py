"""Romantic advances aimed at Oh-LoRA: a confession to her, or a request to meet, date or contact her.

The original's love category covers both ("사랑 고백/만남"). The classifier of `ethics.embedded`
knows the common phrasings; this reads the ones it scores just short of its threshold, with the same
shape as `ethics.abuse`: a cue phrase, and a check that it is aimed at her and not a story about
someone else ("친구가 나한테 고백했어", "남친이랑 영화 보러 가") or the user's family ("엄마 사랑해").
Returns the phrase that matched, so the judge can say why.
"""

from __future__ import annotations

import re

from ohlora.ethics.abuse import Cue

# A confession, a wish to date her, or wanting her as a partner: phrases that say so on their own.
_CONFESSION = re.compile(
    r"사귀자|사귈래|사귀어\s?(?:줘|주라|주세요|줄래)|우리\s?사귀|나랑\s?사귀|연애하자|나랑\s?연애|썸\s?타자|나랑\s?썸|"
    r"여친\s?(?:해\s?줘|해\s?주라|해줄래|돼\s?줘|되어\s?줘|하자)|여자\s?친구\s?(?:해\s?줘|해\s?주라|해줄래|돼\s?줘|되어\s?줘|하자)|"
    r"내\s?여자(?:\s|$|야|해|가\s?돼)|내\s?(?:꺼|거)\s?(?:하자|해라|해)|결혼하자|결혼해\s?줘|결혼할래|나랑\s?결혼|시집\s?와|"
    r"나랑\s?같이\s?살자|(?:오늘부터|우리)\s?1일|고백할게|반했어|반했다|첫눈에|내\s?마음\s?받아|내\s?운명|"
    r"너\s?보면\s?(?:설레|심장)|뽀뽀해\s?줘|키스해\s?줘|키스하자|안아\s?(?:줘|주고\s?싶)|안기고\s?싶|손\s?잡고\s?싶|"
    r"내\s?이상형이야|너\s?같은\s?여친|완전\s?내\s?스타일|남자\s?친구로\s?어때|(?:나|나는)\s?어때\??\s?(?:남자|남친)|"
    r"사랑합니다|좋아합니다|좋아하는\s?것\s?같아|네\s?생각만|너\s?없으면\s?못\s?살|"
    r"(?:너|널|너를|로라|로라야|로라님)\s?(?:진짜|정말|많이|너무|완전|진심으로)?\s?(?:좋아해|사랑해|좋아한다|사랑한다|좋아하게\s?됐)|"
    r"(?:사랑해|좋아해)\s?(?:로라|로라야|♥|❤)|(?:네가|너가|니가)\s?(?:좋아|좋다)|너만\s?보여|여자로\s?보여|"
    r"친구\s?말고\s?그\s?이상|(?:네|너의)\s?남자\s?친구\s?(?:해도|할래|하고\s?싶)|너\s?좋아하는\s?거|좋아하는\s?마음"
)
# A request to meet her, go out with her, or get in touch outside the chat.
_OUTING = (
    r"(?:영화|밥|저녁|점심|커피|카페|술|한잔|치맥|데이트|놀이공원|여행|산책|드라이브|콘서트|공연|전시회|쇼핑|노래방|"
    r"크리스마스|발렌타인|불꽃놀이|벚꽃)"
)
_MEETING = re.compile(
    _OUTING + r"\S*\s?(?:\S+\s)?(?:보러\s?|먹으러\s?|마시러\s?|하러\s?)?(?:가자|갈래|갈까|먹자|먹을래|마시자|마실래|하자|할래|"
    r"보내자|볼래|보자)|"
    r"만나자|만날래|만날까|만나\s?줘|만나\s?볼래|만나고\s?싶|데이트\s?(?:하자|할래|신청)|놀러\s?(?:갈게|와|올래|가자)|"
    r"(?:^|너\s?|니\s?|네\s?|로라\s?|로라야\s?)(?:번호|전화\s?번호|폰\s?번호|연락처|카톡|카톡\s?아이디|인스타|인별|주소|집\s?주소)"
    r"\s?\S{0,3}\s?(?:알려|줘|주라|뭐야|교환|따도|맞팔|줄래|알\s?수)|맞팔하자|"
    r"오프라인(?:에서|으로)?\s?(?:만나|보자|볼래)|실제로\s?(?:만나|보자|볼래)|직접\s?(?:만나자|보자)|"
    r"데리러\s?갈게|우리\s?집에\s?(?:와|올래)|너희?\s?집\s?어디|영상\s?통화\s?(?:하자|할래)|전화\s?(?:하자|할래)|"
    r"(?:시간|언제)\s?(?:돼|되|있|괜찮|한가|비어)\S*\s?(?:\S+\s)?(?:만나|보자|볼래|놀자|밥|영화|커피|술)|"
    r"(?:같이|너랑|나랑|둘이서?)\s?(?:\S+\s){0,2}?(?:\S*(?:벚꽃|노래방|놀이공원|콘서트|뮤지컬|방탈출|브런치|카페|스키|야구장|캠핑|"
    r"페스티벌|한강|자전거|와인|여행|바다|영화|공연|전시|맛집|술집|데이트|드라이브|산책|쇼핑)\S*\s?(?:\S+\s)?)"
    r"(?:가자|갈래|가볼래|가볼까|갈까|가고\s?싶|하자|보자|타자|뛰자|부르자|먹자|볼래)|"
    r"(?:너도|너)\s?(?:나와|나올래)|얼굴\s?(?:볼\s?수|보자|좀\s?보)|약속\s?잡자|만나\s?줄\s?수|너\s?있는\s?(?:데|곳)로|"
    r"(?:토요일|일요일|주말|금요일|내일|오늘\s?밤)\S*\s?(?:비어|시간\s?(?:돼|있어|괜찮아)\?)|"
    r"연락할\s?수\s?있는|따로\s?연락|카톡\s?친구|dm\s?열려|디엠\s?열려|이메일\s?주소|(?:텔레그램|디스코드)\s?(?:해|있|아이디)"
)
_TOGETHER = re.compile(r"나랑|저랑|우리|같이|둘이|로라|너랑|너도|너\s|^(?!.*(?:친구|가족|엄마|아빠|남친|여친))")

# Someone else's story, the user's family or partner, or a question about love in general.
_NOT_HER = re.compile(
    r"(?:친구|걔|쟤|동생|형|누나|오빠|언니|엄마|아빠|부모님|남친|여친|남자\s?친구|여자\s?친구|남편|와이프|애인|썸남|썸녀|"
    r"선배|후배|동기|팀장|가족|강아지|고양이|냥이|댕댕이|할머니|할아버지|아이돌|배우|가수)(?:가|이|랑|하고|한테|이랑|와|과|도|는|은|를|을)"
    r"|(?:했대|한대|하래|라고\s?했|했다고|받았어|당했어|하더라|그랬어|들었어)(?:\s|$|[?!.~ㅋㅎㅠ])|(?:노래|드라마|책|가사|노래\s?제목)"
    r"|(?:어떻게|뭐라고|어떤)\s?(?:고백|해야|하면)|고백\s?(?:방법|멘트|타이밍|성공|했|받)|연애\s?(?:상담|고민)|(?:해봤어|해\s?본\s?적)"
    r"|장면|웹툰|반하는\s?거|보자고|하자고|하자는|자는데|가자고|라고\s?(?:보내|할까|하면|말|했)|할까\s?말까|가능하다고|\"|“"
)
_YOU = re.compile(r"(?:^|\s)(?:너|넌|널|니|네가|니가|너도|너를|너랑|너한테|당신|님)(?:\s|$|랑|한테|를)|로라")


def advance_at_her(text: str) -> Cue | None:
    """The cue when `text` confesses to her or asks to meet, date or contact her, else None."""
    raw = text.strip()
    found = _CONFESSION.search(raw)
    if found is None:
        found = _MEETING.search(raw) if _TOGETHER.search(raw) else None
    if found is None:
        return None
    if _NOT_HER.search(raw) and not _YOU.search(raw):
        return None
    return Cue("advance_at_her", (found.group(0).strip(),))
