from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.SurveyIndexView.as_view(), name="index"),
    path("<slug:key>/chart.svg", views.SurveyChartView.as_view(), name="chart"),
    path("<slug:key>/rounds/new/", views.RoundCreateView.as_view(), name="round_create"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/edit/", views.RoundUpdateView.as_view(), name="round_update"),
    path("rounds/<int:pk>/import/", views.RoundImportView.as_view(), name="round_import"),
    path("you-said-we-did/", views.FeedbackListView.as_view(), name="feedback_list"),
    path("you-said-we-did/new/", views.FeedbackCreateView.as_view(), name="feedback_create"),
    path(
        "you-said-we-did/<int:pk>/edit/",
        views.FeedbackUpdateView.as_view(),
        name="feedback_update",
    ),
]
