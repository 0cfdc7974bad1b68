"""What the demo village is called and what its people write, in each language it is loaded in.

Demo data, not the interface: it is not translated through gettext (a village's names and notes
are its own, and the English demo stays exactly as it was), but chosen once by
`seed_demo --language`. Each language gives the same things in the same order, so the same seed
builds the same village, household for household and event for event, in either language.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoWords:
    language: str  # the community's language
    village: str
    surnames: tuple[str, ...]  # family names, as a man's: Ivanov, Иванов
    family_plural: str  # the household: Ivanov + "s"; Иванов + "ы"
    feminine: str  # a woman's family name: Ivanov + "a"
    first_names: dict[str, tuple[str, ...]]  # "f" and "m"
    where: tuple[str, ...]  # namesakes told apart by where they live
    resources: dict[str, tuple[str, str]]  # key → (name, unit)
    pools: dict[str, str]  # key → name
    work: dict[tuple[int, ...], tuple[str, ...]]  # months → tasks
    gift_notes: tuple[str, ...]
    spoilage: dict[str, str]  # key → reason
    opening_stock: str
    old_plough: str
    recount: str
    rationed: str  # {store}: the store's name, lower case
    mistake: str  # {typed}, {right}: amounts as the coordinator reads them
    reentered: str
    # Mutual aid: needs, offers, promises and rounds (demo.village._Builder._plan_aid)
    skills: tuple[str, ...]  # four skills offered as labour
    need_notes: tuple[str, ...]
    offer_notes: tuple[str, ...]  # goods first, then labour
    crisis_round: str  # the round after the failed harvest
    winter_round: str  # the round of the last days
    round_reject: str  # why a committee member sends the first draft back
    round_approve: str
    appeals: tuple[str, str]  # the reasons of the two appeals: decided, waiting
    appeal_dismissed: str
    broken: str  # why a promise was broken
    excused: str  # why one was excused
    record_declined: str  # why a member's record was declined
    ration: str  # {amount}: the weekly ration a person, as the village writes it

    def household(self, surname: str, where: str = "") -> str:
        name = surname + self.family_plural
        return f"{name} ({where})" if where else name

    def family_name(self, household: str, sex: str) -> str:
        """A member's family name from the household's: the Ivanovs → Ivanov or Ivanova."""
        surname = household.split()[0].removesuffix(self.family_plural)
        return surname + (self.feminine if sex == "f" else "")


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_SURNAMES_EN = """
Ivanov Petrov Kuznetsov Smirnov Sidorov Popov Vasiliev Sokolov Mikhailov Novikov Fedorov Morozov
Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev Orlov Andreev Makarov
Nikitin Zakharov Zaitsev Soloviev Borisov Yakovlev Grigoriev Romanov Vorobiev Sergeev Frolov
Alexandrov Dmitriev Korolev Gusev Kiselev Ilyin Maximov Polyakov Sorokin Vinogradov Kovalev Belov
Medvedev Antonov Tarasov Zhukov Baranov Filippov Komarov Davydov Belyaev Gerasimov Bogdanov Osipov
Matveev Titov Markov Mironov Krylov Kulikov Karpov Vlasov Melnikov Denisov Gavrilov Tikhonov
Kazakov Afanasiev Danilov Saveliev Timofeev Fomin Chernov Abramov Martynov Efimov Fedotov
Shcherbakov Nazarov Kalinin Isaev Chernyshev Bykov Maslov Rodionov Konovalov Lazarev Voronin
Klimov Filatov Ponomarev Golubev Kudryavtsev Prokhorov Naumov Potapov Zhuravlev Ovchinnikov
Trofimov Leonov Sobolev Ermakov Kolesnikov Goncharov Emelyanov Nikiforov Grachev Kotov Grishin
Efremov Arkhipov Gromov Kirillov Malyshev Panov Moiseev Rumyantsev Akimov Kondratiev Biryukov
Gorbunov Anisimov Eremin Tikhomirov Galkin Lukyanov Mikheev Skvortsov Yudin Belousov Nesterov
Simonov Prokofiev Kharitonov Knyazev Tsvetkov Levin Mitrofanov Voronov Aksenov Sofronov Maltsev
Loginov Gorshkov Savin Krasnov Mayorov Demidov Eliseev Rybakov Safonov Plotnikov Demin Khokhlov
Fadeev Molchanov Ignatov Litvinov Ershov Ushakov Dementiev Ryabov Mukhin Kalashnikov Leontiev
Lobanov Kuzin Korneev Evdokimov Borodin Platonov Nekrasov Balashov Bobrov Zhdanov Blinov Ignatiev
Korotkov Muraviev Kryukov Belyakov Bogomolov Drozdov Lavrov Zuev Petukhov Larin Nikulin Serov
Terentiev Zubkov Fedoseev
"""

# The same families, in the same order, as they write their names.
_SURNAMES_RU = """
Иванов Петров Кузнецов Смирнов Сидоров Попов Васильев Соколов Михайлов Новиков Фёдоров Морозов
Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров
Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Фролов
Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов
Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов
Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов
Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов
Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин
Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников
Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин
Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков
Горбунов Анисимов Ерёмин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров
Симонов Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронов Аксёнов Софронов Мальцев
Логинов Горшков Савин Краснов Майоров Демидов Елисеев Рыбаков Сафонов Плотников Дёмин Хохлов
Фадеев Молчанов Игнатов Литвинов Ершов Ушаков Дементьев Рябов Мухин Калашников Леонтьев
Лобанов Кузин Корнеев Евдокимов Бородин Платонов Некрасов Балашов Бобров Жданов Блинов Игнатьев
Коротков Муравьёв Крюков Беляков Богомолов Дроздов Лавров Зуев Петухов Ларин Никулин Серов
Терентьев Зубков Федосеев
"""

ENGLISH = DemoWords(
    language="en",
    village="Verkhnyaya Pokrovka",
    surnames=_names(_SURNAMES_EN),
    family_plural="s",
    feminine="a",
    first_names={
        "f": _names(
            "Anna Maria Olga Tatiana Natalia Elena Irina Galina Valentina Lyudmila Nadezhda "
            "Vera Zoya"
        ),
        "m": _names(
            "Ivan Pyotr Nikolai Sergei Alexei Mikhail Dmitry Andrei Vasily Grigory Fyodor Yuri "
            "Stepan"
        ),
    },
    where=(
        "by the well",
        "by the mill",
        "across the river",
        "on the hill",
        "Lower End",
        "Upper End",
        "by the church",
        "by the school",
        "at the ford",
        "by the pond",
        "by the forest",
        "by the road",
    ),
    resources={
        "grain": ("grain", "kg"),
        "potatoes": ("potatoes", "kg"),
        "seed": ("seed potatoes", "kg"),
        "firewood": ("firewood", "bundles"),
        "plough": ("plough", "pcs"),
        "labour": ("labour", "h"),
    },
    pools={
        "granary": "Granary",
        "seed_bank": "Seed bank",
        "tools": "Tool library",
        "kitchen": "Kitchen",
    },
    work={
        (12, 1, 2): ("clearing snow", "mending the stove", "carting firewood"),
        (3,): ("mending the fence", "mending the stove", "carting firewood"),
        (4, 5): ("ploughing", "planting potatoes", "digging the vegetable patch"),
        (6, 7): ("haymaking", "weeding", "roof repair"),
        (8, 9): ("harvest", "threshing", "digging potatoes"),
        (10, 11): ("chopping firewood", "roof repair", "banking up the cellar"),
    },
    gift_notes=("", "", "", "", "neighbourly help", "for the children", "until the pension comes"),
    spoilage={
        "frozen": "Spoilage: potatoes froze in the kitchen store.",
        "rotted": "Spoilage: potatoes rotted in the cellar.",
        "mice": "Spoilage: mice and damp in the granary.",
        "damp": "Spoilage: damp bundles rotted in the shed.",
    },
    opening_stock="opening stock",
    old_plough="the old plough",
    recount="Recount: more bundles in the woodshed than on record.",
    rationed="Rationed: the {store} is running low.",
    mistake="Typed {typed} instead of {right}; re-entered with the right amount.",
    reentered="Re-entered: the right amount.",
    skills=("carpentry", "stove repair", "childcare", "sewing"),
    need_notes=(
        "The cellar flooded and the potatoes rotted.",
        "Until the pension comes.",
        "Three small children and the father away for work.",
        "The roof over the shed is leaking.",
    ),
    offer_notes=(
        "From our cellar: come with a sack.",
        "Dry, split last autumn.",
        "Evenings and Saturdays.",
        "Bring the bricks; I bring the clay.",
        "Mornings, at our house or yours.",
    ),
    crisis_round="After the failed harvest: the granary's grain for the hungry weeks.",
    winter_round="Potatoes for the first weeks of winter.",
    round_reject="Too much at once: keep some grain back for March.",
    round_approve="Approved: the smallest asks are met in full.",
    appeals=(
        "We are seven and two of them are small children; our share will not last the month.",
        "We got less than half of what we asked and the cellar is empty.",
    ),
    appeal_dismissed=(
        "Dismissed: every household got the same share of what it asked, under the bylaws' "
        "rule; the next round will look again."
    ),
    broken="Did not come and did not send word.",
    excused="Fell ill themselves; nobody could go in their place.",
    record_declined="Nothing of it arrived at the store that day.",
    ration="Weekly ration: {amount} a person.",
)

RUSSIAN = DemoWords(
    language="ru",
    village="Верхняя Покровка",
    surnames=_names(_SURNAMES_RU),
    family_plural="ы",
    feminine="а",
    first_names={
        "f": _names(
            "Анна Мария Ольга Татьяна Наталья Елена Ирина Галина Валентина Людмила Надежда Вера Зоя"
        ),
        "m": _names(
            "Иван Пётр Николай Сергей Алексей Михаил Дмитрий Андрей Василий Григорий Фёдор Юрий "
            "Степан"
        ),
    },
    where=(
        "у колодца",
        "у мельницы",
        "за рекой",
        "на горке",
        "Нижний конец",
        "Верхний конец",
        "у церкви",
        "у школы",
        "у брода",
        "у пруда",
        "у леса",
        "у дороги",
    ),
    resources={
        "grain": ("зерно", "кг"),
        "potatoes": ("картофель", "кг"),
        "seed": ("семенной картофель", "кг"),
        "firewood": ("дрова", "вязанка"),
        "plough": ("плуг", "шт."),
        "labour": ("труд", "ч"),
    },
    pools={
        "granary": "Амбар",
        "seed_bank": "Семенной фонд",
        "tools": "Прокат инструмента",
        "kitchen": "Кухня",
    },
    work={
        (12, 1, 2): ("расчистка снега", "ремонт печи", "подвоз дров"),
        (3,): ("починка забора", "ремонт печи", "подвоз дров"),
        (4, 5): ("пахота", "посадка картофеля", "вскапывание огорода"),
        (6, 7): ("сенокос", "прополка", "ремонт крыши"),
        (8, 9): ("уборка урожая", "обмолот", "копка картофеля"),
        (10, 11): ("колка дров", "ремонт крыши", "утепление погреба"),
    },
    gift_notes=("", "", "", "", "по-соседски", "для детей", "до пенсии"),
    spoilage={
        "frozen": "Порча: картофель помёрз на складе кухни.",
        "rotted": "Порча: картофель сгнил в погребе.",
        "mice": "Порча: мыши и сырость в амбаре.",
        "damp": "Порча: отсыревшие вязанки сгнили в сарае.",
    },
    opening_stock="начальный запас",
    old_plough="старый плуг",
    recount="Пересчёт: в дровянике больше вязанок, чем записано.",
    rationed="По норме: в хранилище «{store}» кончаются запасы.",
    mistake="Ошибка ввода: {typed} вместо {right}; внесено заново с верным количеством.",
    reentered="Внесено заново: верное количество.",
    skills=("плотницкие работы", "ремонт печей", "присмотр за детьми", "шитьё"),
    need_notes=(
        "Погреб затопило, картофель сгнил.",
        "До пенсии.",
        "Трое маленьких детей, отец на заработках.",
        "Протекает крыша над сараем.",
    ),
    offer_notes=(
        "Из нашего погреба: приходите с мешком.",
        "Сухие, колотые с прошлой осени.",
        "По вечерам и в субботу.",
        "Кирпич ваш, глина моя.",
        "По утрам, у нас или у вас.",
    ),
    crisis_round="После неурожая: зерно из амбара на голодные недели.",
    winter_round="Картофель на первые недели зимы.",
    round_reject="Слишком много сразу: оставим зерна на март.",
    round_approve="Одобрено: самые малые просьбы выполнены полностью.",
    appeals=(
        "Нас семеро, двое из них маленькие дети; нашей доли не хватит на месяц.",
        "Нам дали меньше половины того, что мы просили, а погреб пуст.",
    ),
    appeal_dismissed=(
        "Отклонено: по правилу устава каждый двор получил одну и ту же долю от того, что "
        "просил; в следующем распределении посмотрим снова."
    ),
    broken="Никто не пришёл и не предупредил.",
    excused="Заболели сами; пойти вместо них было некому.",
    record_declined="В тот день в хранилище ничего из этого не поступало.",
    ration="Недельный паёк: {amount} на человека.",
)

LANGUAGES = {words.language: words for words in (ENGLISH, RUSSIAN)}
