"""Deterministic multilingual names for demo data: Russian, Chinese and English."""

import random

RU_FIRST = [
    "Иван",
    "Алексей",
    "Мария",
    "Ольга",
    "Дмитрий",
    "Елена",
    "Сергей",
    "Анна",
    "Николай",
    "Татьяна",
    "Андрей",
    "Наталья",
    "Павел",
    "Ирина",
    "Михаил",
    "Светлана",
]
RU_LAST = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Петров",
    "Волков",
    "Соловьёв",
    "Васильев",
    "Зайцев",
]
RU_WORDS = [
    "Северный",
    "Альфа",
    "Вектор",
    "Гранит",
    "Союз",
    "Восток",
    "Меридиан",
    "Прогресс",
    "Технострой",
    "Энергия",
    "Орбита",
    "Сибирь",
    "Каскад",
    "Импульс",
    "Радуга",
]
RU_FORMS = ["ООО", "АО", "ПАО", "ИП"]
ZH_SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"]
ZH_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛"]
ZH_CITIES = ["上海", "北京", "深圳", "广州", "杭州", "南京", "成都", "武汉", "天津", "苏州"]
ZH_WORDS = ["华明", "东方", "长城", "金桥", "恒通", "宏达", "新源", "天成", "中信", "瑞丰"]
ZH_TRADES = ["贸易", "科技", "机械", "电子", "物流", "建材", "化工", "食品"]
EN_FIRST = [
    "John",
    "Emma",
    "Oliver",
    "Sophia",
    "James",
    "Amelia",
    "William",
    "Isla",
    "Henry",
    "Grace",
    "George",
    "Lily",
    "Thomas",
    "Alice",
]
EN_LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Evans",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "Clarke",
]
EN_WORDS = [
    "Northwind",
    "Bluewater",
    "Summit",
    "Evergreen",
    "Ironbridge",
    "Silverline",
    "Redwood",
    "Brightstone",
    "Oakfield",
    "Harbour",
    "Keystone",
    "Westgate",
]
EN_TRADES = ["Trading", "Logistics", "Engineering", "Foods", "Systems", "Supplies", "Industries"]
EN_FORMS = ["Ltd", "LLC", "Inc.", "PLC"]
LANGUAGES = ("ru", "zh", "en")


def company(rng: random.Random, language: str, number: int) -> str:
    if language == "ru":
        return f"{rng.choice(RU_FORMS)} «{rng.choice(RU_WORDS)}-{number}»"
    if language == "zh":
        return (
            f"{rng.choice(ZH_CITIES)}{rng.choice(ZH_WORDS)}{rng.choice(ZH_TRADES)}有限公司{number}"
        )
    return f"{rng.choice(EN_WORDS)} {rng.choice(EN_TRADES)} {number} {rng.choice(EN_FORMS)}"


def person(rng: random.Random, language: str) -> str:
    if language == "ru":
        first, last = rng.choice(RU_FIRST), rng.choice(RU_LAST)
        if first.endswith("а") or first.endswith("я"):
            last += "а"
        return f"{last} {first}"
    if language == "zh":
        return rng.choice(ZH_SURNAMES) + rng.choice(ZH_GIVEN) + rng.choice(["", *ZH_GIVEN])
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


# Why a demo client was lost, in its own language (the note beside its reason).
LOSS_NOTES = {
    "ru": [
        "Перешли к поставщику с более низкой ценой",
        "Недовольны сроками последних поставок",
        "Закупки перенесены в головную компанию",
    ],
    "zh": ["转向价格更低的供应商", "对最近的交货期不满意", "采购转到总公司"],
    "en": [
        "Moved to a supplier with a lower price",
        "Unhappy with the lead times of the last deliveries",
        "Purchasing moved to the parent company",
    ],
}

NEEDS = {
    "ru": [
        "Регулярные поставки комплектующих",
        "Сервисное обслуживание оборудования",
        "Срочная доставка по региону",
        "Индивидуальная спецификация продукции",
    ],
    "zh": ["定期采购零部件", "设备维修服务", "区域内快速配送", "定制产品规格"],
    "en": [
        "Regular supply of components",
        "Equipment maintenance contract",
        "Express delivery within the region",
        "Custom product specification",
    ],
}
SUMMARIES = {
    "ru": [
        "Обсудили условия поставки",
        "Клиент запросил коммерческое предложение",
        "Повторный визит, клиент доволен",
        "Поздравили с праздником",
    ],
    "zh": ["讨论了交货条件", "客户要求报价", "回访，客户满意", "节日拜访"],
    "en": [
        "Discussed delivery terms",
        "Client asked for an offer",
        "Return visit, client satisfied",
        "Holiday greetings visit",
    ],
}
SUBJECTS = {
    "ru": ["Запрос цены", "Наличие на складе", "Сроки доставки", "Нестандартный заказ"],
    "zh": ["询价", "库存查询", "交货期", "非标准订单"],
    "en": ["Price request", "Stock availability", "Delivery time", "Non-standard order"],
}
COMPLAINTS = {
    "ru": ["Поставка задержана на неделю", "Брак в партии", "Ошибка в счёте"],
    "zh": ["交货延迟一周", "批次有质量问题", "发票错误"],
    "en": ["Delivery late by a week", "Defects in the batch", "Mistake on the invoice"],
}
