from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from surveys import services
from surveys.models import (
    Answer,
    Category,
    CategoryScore,
    Question,
    Response,
    Round,
    Survey,
    SurveySettings,
    YouSaidWeDid,
)


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "key", "default_target", "scale_min", "scale_max", "favourable_from"]
    inlines = [CategoryInline, QuestionInline]


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "survey", "position", "is_headline"]
    list_filter = ["survey"]


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "text", "survey", "category"]
    list_filter = ["survey"]


class CategoryScoreInline(admin.TabularInline):
    model = CategoryScore
    extra = 0


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ["label", "survey", "held_on", "respondents", "target", "score_source"]
    list_filter = ["survey"]
    date_hierarchy = "held_on"
    inlines = [CategoryScoreInline]


@admin.register(CategoryScore)
class CategoryScoreAdmin(SimpleHistoryAdmin):
    list_display = ["round", "category", "score"]
    list_filter = ["round__survey"]


@admin.register(Response)
class ResponseAdmin(SimpleHistoryAdmin):
    list_display = ["respondent", "round", "organisation"]
    list_filter = ["round"]


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    list_display = ["response", "question", "value"]
    list_filter = ["question__survey"]


@admin.register(YouSaidWeDid)
class YouSaidWeDidAdmin(SimpleHistoryAdmin):
    list_display = ["raised_on", "organisation", "source", "owner", "status"]
    list_filter = ["status", "source"]
    search_fields = ["you_said", "we_did", "outcome"]


@admin.register(SurveySettings)
class SurveySettingsAdmin(SimpleHistoryAdmin):
    """Versions, not edits: saving the form adds the next version, so every result keeps the
    tolerance it was worked out with."""

    list_display = ["version", "amber_tolerance", "created_at", "created_by"]
    readonly_fields = ["version", "created_at", "created_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.settings_create(amber_tolerance=obj.amber_tolerance, user=request.user)
