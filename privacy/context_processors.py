from privacy.cookies import MARKETING, STATISTICS, tag_ids


def cookie_consent(request):
    """The banner state and which Google tags this visitor allowed (ids only when allowed)."""
    choice = getattr(request, "cookie_choice", None)
    if choice is None:
        return {}
    ids = tag_ids()
    ga_id = ids[STATISTICS] if choice.decided and choice.statistics else ""
    ads_id = ids[MARKETING] if choice.decided and choice.marketing else ""
    return {
        "cookie_choice": choice,
        "cookie_banner": not choice.decided,
        "google_tags": {"ga_id": ga_id, "ads_id": ads_id} if (ga_id or ads_id) else None,
    }
