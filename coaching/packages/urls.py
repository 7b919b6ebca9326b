from django.urls import path

from coaching.packages import views, views_coupons, views_series

app_name = "packages"

urlpatterns = [
    path("practice/packages/", views.coach_packages, name="coach"),
    path("practice/packages/<int:package_id>/", views.coach_package_edit, name="edit"),
    path("practice/coupons/", views_coupons.coach_coupons, name="coupons"),
    path(
        "practice/coupons/<int:coupon_id>/deactivate/",
        views_coupons.coach_coupon_deactivate,
        name="coupon_deactivate",
    ),
    path("coaches/<slug:slug>/packages/<int:package_id>/buy/", views.package_buy, name="buy"),
    path("packages/<str:reference>/", views.package_detail, name="detail"),
    path("packages/<str:reference>/book/", views.package_book, name="book"),
    path("packages/<str:reference>/paypal/return/", views.paypal_return, name="paypal_return"),
    path("packages/<str:reference>/paypal/cancel/", views.paypal_cancel, name="paypal_cancel"),
    path(
        "coaches/<slug:slug>/series/<int:session_type_id>/",
        views_series.series_start,
        name="series_start",
    ),
    path("series/<str:reference>/", views_series.series_detail, name="series_detail"),
    path(
        "series/<str:reference>/paypal/return/",
        views_series.series_paypal_return,
        name="series_paypal_return",
    ),
    path(
        "series/<str:reference>/paypal/cancel/",
        views_series.series_paypal_cancel,
        name="series_paypal_cancel",
    ),
    path("series/<str:reference>/cancel/", views_series.series_cancel, name="series_cancel"),
]
