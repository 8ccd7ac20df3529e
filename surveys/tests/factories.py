from datetime import date
from decimal import Decimal

import factory

from surveys.models import Category, CategoryScore, Question, Round, Survey, YouSaidWeDid


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    key = factory.Sequence(lambda n: f"survey-{n}")
    name = factory.Sequence(lambda n: f"Survey {n}")
    default_target = Decimal("95")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    survey = factory.SubFactory(SurveyFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    position = factory.Sequence(int)
    is_headline = False


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    category = factory.SubFactory(CategoryFactory)
    survey = factory.SelfAttribute("category.survey")
    code = factory.Sequence(lambda n: f"Q{n}")
    text = factory.Sequence(lambda n: f"Question {n}?")
    position = factory.Sequence(int)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    survey = factory.SubFactory(SurveyFactory)
    label = factory.Sequence(lambda n: f"Round {n}")
    held_on = factory.Sequence(lambda n: date(2020, 4, 1).replace(day=1 + n % 28))
    respondents = 10
    target = Decimal("95")


class CategoryScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CategoryScore

    round = factory.SubFactory(RoundFactory)
    category = factory.SubFactory(CategoryFactory, survey=factory.SelfAttribute("..round.survey"))
    score = Decimal("90")


class YouSaidWeDidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YouSaidWeDid

    raised_on = date(2020, 11, 5)
    you_said = factory.Sequence(lambda n: f"Feedback {n}")
    owner = "Customer Ops"


def survey_with_questions(
    *, headline_questions: int = 0, categories: tuple[tuple[str, int], ...] = (("A", 2), ("B", 1))
) -> Survey:
    """A 1–5 survey (4+ favourable) with an 'Overall' headline and categories with questions,
    coded <category><n> (A1, A2, B1...)."""
    survey = SurveyFactory(scale_min=1, scale_max=5, favourable_from=4)
    overall = CategoryFactory(survey=survey, name="Overall", is_headline=True, position=0)
    for i in range(headline_questions):
        QuestionFactory(category=overall, code=f"H{i + 1}")
    for position, (name, count) in enumerate(categories, start=1):
        category = CategoryFactory(survey=survey, name=name, position=position)
        for i in range(count):
            QuestionFactory(category=category, code=f"{name}{i + 1}")
    return survey
