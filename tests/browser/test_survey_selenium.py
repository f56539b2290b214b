#!/usr/bin/env python3
"""The anonymous officer questionnaire (/r) in headless Chromium at a phone's
width (375 px): an officer types a code, makes a mistake, sees it next to its
field (announced with aria-describedby), fixes it with the keyboard, confirms
and is thanked; with the same code changes the answer (the form comes back
filled in); a revoked code and, after closing, a used code are refused. Every
field has a label and nothing is wider than the screen. Screenshots of the
form and of the thank-you page go to the folder given.
  test_survey_selenium.py SHOT_DIR       (under tests/harness/with-cluster.sh)"""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.environ['PREVALENCE_SOURCE_DIR'], 'tests', 'web'))
from webtest import TMP, Server, check, done, psql, run, setup_accounts  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

shots = sys.argv[1]
os.makedirs(shots, exist_ok=True)
setup_accounts()
run('survey', 'open', '--year', '2025')
run('survey', 'codes', '--year', '2025', '--county', 'Pima', '--count', '3', '--out',
    os.path.join(TMP, 'codes.csv'))
with open(os.path.join(TMP, 'codes.csv'), newline='') as f:
    codes = [r['code'] for r in csv.DictReader(f)]
srv = Server()
B = srv.base

opts = webdriver.ChromeOptions()
for f in ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
          '--window-size=375,812', '--disable-background-networking']:
    opts.add_argument(f)
opts.binary_location = '/usr/bin/chromium'
opts.add_experimental_option('mobileEmulation', {
    'deviceMetrics': {'width': 375, 'height': 812, 'pixelRatio': 2}})
driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)
driver.set_page_load_timeout(60)
driver.set_script_timeout(60)
driver.implicitly_wait(15)




def gone(element):
    """The page that held element has been replaced. Selenium's staleness_of
    catches only StaleElementReferenceException; Chromium sometimes answers
    "Node with given id does not belong to the document" instead, which
    means the same."""
    def check(_):
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True
    return check

def wait_new_page(old):
    WebDriverWait(driver, 30).until(gone(old))
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script('return document.readyState') == 'complete')


def press_enter_in(elem_id):
    """Submit with the keyboard: Enter in a field."""
    old = driver.find_element(By.TAG_NAME, 'html')
    driver.find_element(By.ID, elem_id).send_keys(Keys.RETURN)
    wait_new_page(old)


def click_button(text):
    old = driver.find_element(By.TAG_NAME, 'html')
    driver.find_element(By.XPATH, f'//button[normalize-space()="{text}"]').click()
    wait_new_page(old)


def fits(what):
    w = driver.execute_script('return document.documentElement.scrollWidth')
    check(w <= 375, f'{what}: nothing wider than the 375-px screen (scrollWidth {w})')


def labelled(what):
    missing = driver.execute_script("""
        return [...document.querySelectorAll('input:not([type=hidden]), select')]
          .filter(e => !e.id || !document.querySelector('label[for="' + e.id + '"]'))
          .map(e => e.name);""")
    check(missing == [], f'{what}: every field has a label ({missing})')


AXE = os.path.join(os.environ['PREVALENCE_SOURCE_DIR'], 'tests', 'browser', 'node_modules',
                   'axe-core', 'axe.min.js')
if not os.path.exists(AXE):
    sys.exit(f'FAIL: {AXE} is missing: run scripts/install-deps.sh (npm ci in tests/browser)')
with open(AXE, encoding='utf-8') as f:
    AXE_JS = f.read()


def accessible(what):
    """axe-core (WCAG 2 A and AA rules) on the page as it is: no serious or
    critical violation."""
    driver.execute_script(AXE_JS)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})
           .then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length])))
           .catch(e => done([['axe-error', 'critical', String(e)]]));""")
    bad = [v for v in result if v[1] in ('serious', 'critical')]
    check(bad == [], f'{what}: axe-core finds no serious or critical violation ({result})')


def fill(caseload, confirmed, suspected):
    for name, value in (('caseload', caseload), ('confirmed', confirmed),
                        ('suspected', suspected)):
        e = driver.find_element(By.ID, name)
        e.clear()
        e.send_keys(str(value))


try:
    driver.get(B + '/r')
    labelled('code page')
    fits('code page')
    accessible('code page')
    driver.find_element(By.ID, 'code').send_keys(codes[0].lower())
    press_enter_in('code')
    check('Pima County' in driver.find_element(By.TAG_NAME, 'h1').text,
          'the code opens the Pima questionnaire')
    labelled('answer form')
    fits('answer form')
    Select(driver.find_element(By.ID, 'role')).select_by_value('probation_officer')
    fill(10, 8, 5)
    press_enter_in('suspected')
    err = driver.find_element(By.ID, 'confirmed-error')
    field = driver.find_element(By.ID, 'confirmed')
    accessible('answer form with an error')
    check('more than your caseload' in err.text and
          field.get_attribute('aria-describedby') == 'confirmed-error' and
          field.get_attribute('aria-invalid') == 'true',
          'the mistake is shown next to its field and tied to it for screen readers')
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(os.path.join(shots, 'questionnaire-phone.png'))
    fill(10, 1, 2)
    press_enter_in('suspected')
    check('Please confirm' in driver.find_element(By.TAG_NAME, 'h1').text,
          'the corrected answer is shown for confirmation')
    fits('confirmation page')
    accessible('confirmation page')
    click_button('Send my answer')
    check('Thank you' in driver.find_element(By.TAG_NAME, 'h1').text, 'thank you')
    fits('thank-you page')
    accessible('thank-you page')
    driver.save_screenshot(os.path.join(shots, 'questionnaire-thanks.png'))
    check(psql('SELECT caseload, confirmed, suspected FROM survey_answers') == '10|1|2',
          'the answer is stored')

    # the same code again: the form comes back filled in; the answer is replaced
    driver.get(B + '/r')
    driver.find_element(By.ID, 'code').send_keys(codes[0])
    press_enter_in('code')
    check(driver.find_element(By.ID, 'caseload').get_attribute('value') == '10' and
          'replaces' in driver.page_source, 'the same code: the earlier answer, to change')
    fill(12, 1, 2)
    press_enter_in('suspected')
    click_button('Send my answer')
    check(psql('SELECT count(*), min(caseload) FROM survey_answers') == '1|12',
          'the changed answer replaced the first one')

    # a revoked code; a used code after closing
    run('survey', 'revoke', codes[1])
    driver.get(B + '/r')
    driver.find_element(By.ID, 'code').send_keys(codes[1])
    press_enter_in('code')
    check('withdrawn' in driver.find_element(By.ID, 'code-error').text,
          'a revoked code is refused, said in words')
    run('survey', 'close', '--year', '2025')
    driver.get(B + '/r')
    driver.find_element(By.ID, 'code').send_keys(codes[0])
    press_enter_in('code')
    check('closed' in driver.find_element(By.ID, 'code-error').text,
          'after closing, the used code cannot change its answer')
    # (the browser's own request for /favicon.ico, which the service does
    # not have, is not the page's error)
    errors = [e for e in driver.get_log('browser') if e.get('level') == 'SEVERE'
              and 'favicon.ico' not in e.get('message', '')]
    check(errors == [], f'no console errors ({errors})')
finally:
    driver.quit()
    srv.stop()
done()
