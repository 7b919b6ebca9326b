"""Write locale_overrides/de/LC_MESSAGES/django.po: allauth's German in the formal "Sie".

allauth's German catalogue addresses people as "du"; SofaDoc says "Sie" everywhere. The wording
below is hand-written (one entry per informal allauth msgstr, reviewed one by one); this script
only checks it against the installed allauth catalogue and writes the .po file.

Run after an allauth upgrade if tests/test_formal_german.py reports new informal entries:
    .venv/bin/python scripts/allauth_formal_de.py && make messages
"""

import re
import sys
from pathlib import Path

import allauth
import polib

ROOT = Path(__file__).resolve().parent.parent
ALLAUTH_PO = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
OUT = ROOT / "locale_overrides" / "de" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s|%[sd]|\{\w*\}|<[^>]+>")

FORMAL = {
    "You cannot remove your primary email address.": (
        "Sie können Ihre primäre E-Mail-Adresse nicht entfernen."
    ),
    "Please type your current password.": "Bitte geben Sie Ihr aktuelles Passwort ein.",
    "You cannot add more than %d email addresses.": (
        "Sie können nicht mehr als %d E-Mail-Adressen hinzufügen."
    ),
    "Too many failed login attempts. Try again later.": (
        "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie es später erneut."
    ),
    "Your primary email address must be verified.": (
        "Ihre primäre E-Mail-Adresse muss bestätigt sein."
    ),
    "Username can not be used. Please use other username.": (
        "Dieser Anmeldename kann nicht verwendet werden. Bitte wählen Sie einen anderen."
    ),
    "Please select only one.": "Bitte wählen Sie nur eine Option aus.",
    "Be patient, you are sending too many requests.": (
        "Bitte haben Sie etwas Geduld, Sie senden zu viele Anfragen."
    ),
    "You must type the same password each time.": (
        "Sie müssen zweimal dasselbe Passwort eingeben."
    ),
    "You must type the same email each time.": (
        "Sie müssen zweimal dieselbe E-Mail-Adresse eingeben."
    ),
    "View your user ID": "Ihre Benutzer-ID ansehen",
    "View your email address": "Ihre E-Mail-Adresse ansehen",
    "View your basic profile information": "Ihre grundlegenden Profilinformationen ansehen",
    (
        "The scope(s) the client is allowed to request. Provide one value per line, e.g.: "
        "openid(ENTER)profile(ENTER)email(ENTER)"
    ): (
        "Die Geltungsbereiche, die der Client anfordern darf. Geben Sie einen Wert pro Zeile "
        "an, z. B.: openid(ENTER)profile(ENTER)email(ENTER)"
    ),
    (
        "In case the client does not specify any scope, these default scopes are used. "
        "Provide one value per line, e.g.: openid(ENTER)profile(ENTER)email(ENTER)"
    ): (
        "Falls der Client keinen Geltungsbereich angibt, werden diese Standard-"
        "Geltungsbereiche verwendet. Geben Sie einen Wert pro Zeile an, z. B.: "
        "openid(ENTER)profile(ENTER)email(ENTER)"
    ),
    (
        "A list of allowed grant types. Provide one value per line, e.g.: "
        "authorization_code(ENTER)client_credentials(ENTER)refresh_token(ENTER)"
    ): (
        "Eine Liste erlaubter Grant-Typen. Geben Sie einen Wert pro Zeile an, z. B.: "
        "authorization_code(ENTER)client_credentials(ENTER)refresh_token(ENTER)"
    ),
    (
        "A list of allowed response types. Provide one value per line, e.g.: "
        "code(ENTER)id_token token(ENTER)"
    ): (
        "Eine Liste erlaubter Antworttypen. Geben Sie einen Wert pro Zeile an, z. B.: "
        "code(ENTER)id_token token(ENTER)"
    ),
    (
        "An account already exists with this email address. Please sign in to that account "
        "first, then connect your %s account."
    ): (
        "Es existiert bereits ein Konto mit dieser E-Mail-Adresse. Bitte melden Sie sich "
        "zuerst bei diesem Konto an und verknüpfen Sie es dann mit Ihrem %s-Konto."
    ),
    "Your account has no password set up.": "Für Ihr Konto wurde noch kein Passwort festgelegt.",
    "Your account has no verified email address.": (
        "Ihr Konto hat keine bestätigte E-Mail-Adresse."
    ),
    "Do you really want to remove the selected email address?": (
        "Möchten Sie die ausgewählte E-Mail-Adresse wirklich entfernen?"
    ),
    (
        "You are receiving this email because you or someone else tried to signup for an\n"
        "account using email address:\n\n%(email)s\n\n"
        "However, an account using that email address already exists.  In case you have\n"
        "forgotten about this, please use the password forgotten procedure to recover\n"
        "your account:\n\n%(password_reset_url)s"
    ): (
        "Sie erhalten diese E-Mail, weil Sie oder jemand anderes versucht hat, sich mit\n"
        "dieser E-Mail-Adresse für ein Konto zu registrieren:\n\n%(email)s\n\n"
        "Es existiert jedoch bereits ein Konto mit dieser E-Mail-Adresse. Falls Sie das\n"
        "vergessen haben, setzen Sie bitte Ihr Passwort zurück, um wieder Zugang zu\n"
        "Ihrem Konto zu erhalten:\n\n%(password_reset_url)s"
    ),
    "Thank you for using %(site_name)s!\n%(site_domain)s": (
        "Vielen Dank, dass Sie %(site_name)s nutzen!\n%(site_domain)s"
    ),
    "Please Confirm Your Email Address": "Bitte bestätigen Sie Ihre E-Mail-Adresse",
    "Your password has been changed.": "Ihr Passwort wurde geändert.",
    (
        "You're receiving this email because you or someone else has requested a password "
        "reset for your user account.\nIt can be safely ignored if you did not request a "
        "password reset. Click the link below to reset your password."
    ): (
        "Sie erhalten diese E-Mail, weil Sie oder jemand anderes das Zurücksetzen des "
        "Passworts für Ihr Konto angefordert hat.\nFalls Sie das nicht waren, können Sie "
        "diese Nachricht ignorieren. Klicken Sie auf den folgenden Link, um Ihr Passwort "
        "zurückzusetzen."
    ),
    "In case you forgot, your username is %(username)s.": (
        "Falls Sie ihn vergessen haben: Ihr Anmeldename lautet %(username)s."
    ),
    "Your email address is still pending verification.": (
        "Ihre E-Mail-Adresse ist noch nicht bestätigt."
    ),
    (
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address '
        "for user %(user_display)s."
    ): (
        'Bitte bestätigen Sie, dass <a href="mailto:%(email)s">%(email)s</a> eine '
        "E-Mail-Adresse von %(user_display)s ist."
    ),
    (
        "This email confirmation link expired or is invalid. Please "
        '<a href="%(email_url)s">issue a new email confirmation request</a>.'
    ): (
        "Dieser Bestätigungslink ist abgelaufen oder ungültig. Bitte "
        '<a href="%(email_url)s">fordern Sie eine neue Bestätigungs-E-Mail an</a>.'
    ),
    "If you have not created an account yet, then please %(link)ssign up%(end_link)s first.": (
        "Sie haben noch kein Konto? Dann %(link)sregistrieren Sie sich%(end_link)s bitte zuerst."
    ),
    "Are you sure you want to sign out?": "Möchten Sie sich wirklich abmelden?",
    "You cannot remove your primary email address (%(email)s).": (
        "Sie können Ihre primäre E-Mail-Adresse (%(email)s) nicht entfernen."
    ),
    "You have confirmed %(email)s.": "Sie haben die Adresse %(email)s bestätigt.",
    "You have signed out.": "Sie haben sich abgemeldet.",
    (
        "Forgotten your password? Enter your email address below, and we'll send you an "
        "email allowing you to reset it."
    ): (
        "Passwort vergessen? Geben Sie unten Ihre E-Mail-Adresse ein, dann senden wir Ihnen "
        "eine E-Mail, mit der Sie Ihr Passwort zurücksetzen können."
    ),
    "Please contact us if you have any trouble resetting your password.": (
        "Bitte kontaktieren Sie uns, falls das Zurücksetzen des Passworts nicht klappt."
    ),
    (
        "We have sent you an email. If you have not received it please check your spam "
        "folder. Otherwise contact us if you do not receive it in a few minutes."
    ): (
        "Wir haben Ihnen eine E-Mail geschickt. Falls sie nicht in Ihrem Posteingang ist, "
        "sehen Sie bitte in Ihrem Spam-Ordner nach. Sollte sie auch in ein paar Minuten "
        "nicht angekommen sein, kontaktieren Sie uns bitte."
    ),
    (
        "The password reset link was invalid, possibly because it has already been used.  "
        'Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ): (
        "Der Link zum Zurücksetzen des Passworts war ungültig, möglicherweise wurde er "
        'bereits benutzt. Bitte fordern Sie einen <a href="%(passwd_reset_url)s">neuen '
        "Link zum Zurücksetzen</a> an."
    ),
    "Your password is now changed.": "Ihr Passwort wurde geändert.",
    "Your phone number is still pending verification.": (
        "Ihre Telefonnummer ist noch nicht bestätigt."
    ),
    "Already have an account? Then please %(link)ssign in%(end_link)s.": (
        "Sie haben bereits ein Konto? Dann %(link)smelden Sie sich bitte an%(end_link)s."
    ),
    "You are already logged in as %(user_display)s.": (
        "Sie sind bereits als %(user_display)s angemeldet."
    ),
    (
        "You currently do not have any email address set up. You should really add an email "
        "address so you can receive notifications, reset your password, etc."
    ): (
        "Sie haben derzeit keine E-Mail-Adresse hinterlegt. Bitte fügen Sie eine hinzu, "
        "damit wir Sie benachrichtigen und Sie Ihr Passwort zurücksetzen können."
    ),
    "Verify Your Email Address": "Bestätigen Sie Ihre E-Mail-Adresse",
    (
        "We have sent an email to you for verification. Follow the link provided to "
        "finalize the signup process. If you do not see the verification email in your main "
        "inbox, check your spam folder. Please contact us if you do not receive the "
        "verification email within a few minutes."
    ): (
        "Wir haben Ihnen eine E-Mail geschickt, um Ihre Adresse zu bestätigen. Folgen Sie "
        "bitte dem Link in der E-Mail, um die Registrierung abzuschließen. Falls die E-Mail "
        "nicht in Ihrem Posteingang ist, sehen Sie bitte in Ihrem Spam-Ordner nach. Sollte "
        "sie auch in ein paar Minuten nicht angekommen sein, kontaktieren Sie uns bitte."
    ),
    (
        "This part of the site requires us to verify that\nyou are who you claim to be. For "
        "this purpose, we require that you\nverify ownership of your email address. "
    ): (
        "Für diesen Bereich der Website müssen wir sicherstellen, dass Sie\ndie Person sind, "
        "für die Sie sich ausgeben. Dazu bitten wir Sie,\nIhre E-Mail-Adresse zu bestätigen. "
    ),
    (
        "We have sent an email to you for\nverification. Please click on the link inside that "
        "email. If you do not see the verification email in your main inbox, check your spam "
        "folder. Otherwise\ncontact us if you do not receive it within a few minutes."
    ): (
        "Wir haben Ihnen eine E-Mail geschickt, um Ihre\nAdresse zu bestätigen. Bitte klicken "
        "Sie auf den Link in dieser E-Mail. Falls sie nicht in Ihrem Posteingang ist, sehen "
        "Sie bitte in Ihrem Spam-Ordner nach. Sollte sie auch in ein paar Minuten\nnicht "
        "angekommen sein, kontaktieren Sie uns bitte."
    ),
    (
        '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email '
        "address</a>."
    ): (
        '<strong>Hinweis:</strong> Sie können Ihre <a href="%(email_url)s">E-Mail-Adresse '
        "noch ändern</a>."
    ),
    "%(client_name)s wants to access your %(site_name)s account.": (
        "%(client_name)s möchte auf Ihr %(site_name)s-Konto zugreifen."
    ),
    "Enter the code displayed on your device.": (
        "Geben Sie den auf Ihrem Gerät angezeigten Code ein."
    ),
    "Please confirm the code shown on your %(client_name)s to authorize this device.": (
        "Bitte bestätigen Sie den auf Ihrem %(client_name)s angezeigten Code, um dieses "
        "Gerät zu autorisieren."
    ),
    "You successfully authorized your %(client_name)s device.": (
        "Sie haben Ihr Gerät %(client_name)s erfolgreich autorisiert."
    ),
    "Authorization for your %(client_name)s device has been denied.": (
        "Die Autorisierung für Ihr Gerät %(client_name)s wurde abgelehnt."
    ),
    "You are about to generate a new set of recovery codes for your account.": (
        "Sie sind dabei, einen neuen Satz Wiederherstellungscodes für Ihr Konto zu erzeugen."
    ),
    "You are about to deactivate authenticator app based authentication. Are you sure?": (
        "Sie sind dabei, die Anmeldung per Authenticator-App zu deaktivieren. Sind Sie sicher?"
    ),
    "You are about to connect a new third-party account from %(provider)s.": (
        "Sie sind dabei, ein neues Drittanbieterkonto von %(provider)s zu verknüpfen."
    ),
    "You are about to sign in using a third-party account from %(provider)s.": (
        "Sie sind dabei, sich mit einem Drittanbieterkonto von %(provider)s anzumelden."
    ),
    (
        "You decided to cancel logging in to our site using one of your existing accounts. "
        'If this was a mistake, please proceed to <a href="%(login_url)s">sign in</a>.'
    ): (
        "Sie haben die Anmeldung über eines Ihrer bestehenden Konten abgebrochen. Falls das "
        'ein Versehen war, können Sie sich hier <a href="%(login_url)s">anmelden</a>.'
    ),
    (
        "You are about to use your %(provider_name)s account to login to\n%(site_name)s. As "
        "a final step, please complete the following form:"
    ): (
        "Sie melden sich mit Ihrem %(provider_name)s-Konto bei\n%(site_name)s an. Bitte "
        "füllen Sie zum Abschluss das folgende Formular aus:"
    ),
}

# Not informal, but mixed with the rest of SofaDoc: Django's sessions app (listed before allauth)
# leaves "Sessions" English, and allauth spells "E-Mail" three ways. "Sitzungen" alone would read
# as coaching sessions here, so it matches the account menu ("Aktive Sitzungen").
CONSISTENCY = {
    # allauth's German security notice ends in a stray quote after the date.
    (
        "If you do not recognize this change then please take proper security precautions "
        "immediately. The change to your account originates from:\n"
        "\n"
        "- IP address: %(ip)s\n"
        "- Browser: %(user_agent)s\n"
        "- Date: %(timestamp)s"
    ): (
        "Wenn Sie diese Änderung nicht veranlasst haben, ergreifen Sie bitte umgehend "
        "Sicherheitsmaßnahmen, etwa ein neues Passwort. Die Änderung kam von:\n"
        "\n"
        "- IP-Adresse (gekürzt): %(ip)s\n"
        "- Browser: %(user_agent)s\n"
        "- Zeitpunkt: %(timestamp)s"
    ),
    "Sessions": "Aktive Sitzungen",
    # The login page's button and title say what the menu says, not the noun "Anmeldung".
    "Sign In": "Anmelden",
    "Email Address": "E-Mail-Adresse",
    "Change Email": "E-Mail-Adresse ändern",
    "Primary email address set.": "Primäre E-Mail-Adresse festgelegt.",
    "Removed email address %(email)s.": "E-Mail-Adresse %(email)s entfernt.",
}
CONSISTENCY_NOTE = "SofaDoc wording (consistency, not an informal fix)"


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def build():
    source = polib.pofile(str(ALLAUTH_PO))
    entries = {e.msgid: e for e in source if not e.obsolete}
    problems = [
        f"not in allauth's catalogue: {m!r}" for m in [*FORMAL, *CONSISTENCY] if m not in entries
    ]
    out = polib.POFile(wrapwidth=0)
    out.metadata = {
        "Project-Id-Version": "SofaDoc allauth overrides",
        "PO-Revision-Date": source.metadata["PO-Revision-Date"],
        "Last-Translator": "SofaDoc",
        "Language-Team": "German",
        "Language": "de",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": source.metadata["Plural-Forms"],
    }
    out.header = (
        'Formal ("Sie") German for django-allauth\'s informal strings.\n'
        "Generated by scripts/allauth_formal_de.py -- edit the wording there."
    )
    for msgid, msgstr in [*FORMAL.items(), *CONSISTENCY.items()]:
        entry = entries.get(msgid)
        if entry is None:
            continue
        if placeholders(msgid) != placeholders(msgstr):
            problems.append(f"placeholders differ: {msgid!r}")
        if entry.msgid_plural:
            problems.append(f"plural entry needs msgstr_plural: {msgid!r}")
        out.append(
            polib.POEntry(
                msgctxt=entry.msgctxt,
                msgid=msgid,
                msgstr=msgstr,
                flags=list(entry.flags),
                comment=CONSISTENCY_NOTE if msgid in CONSISTENCY else "",
            )
        )
    if problems:
        sys.exit("\n".join(problems))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out.save(str(OUT))
    print(f"{len(out)} entries written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    build()
