#!/usr/bin/env python3
"""The web service in headless Chromium through Selenium (chromium-driver):
a specialist signs in, uploads a bad file and sees each problem with its
line and column, uploads the corrected file, loads it, sees the county's
response rate change, signs out, and cannot open a download (403); an
analyst downloads the report and it opens. Screenshots go to the folder
given (the build folder).
  test_web_selenium.py SHOT_DIR       (under tests/harness/with-cluster.sh)"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.environ['PREVALENCE_SOURCE_DIR'], 'tests', 'web'))
from webtest import SRC, TMP, Server, check, done, setup_accounts  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

shots = sys.argv[1]
os.makedirs(shots, exist_ok=True)
downloads = os.path.join(TMP, 'downloads')
os.makedirs(downloads, exist_ok=True)
setup_accounts()
srv = Server()
B = srv.base

opts = webdriver.ChromeOptions()
for f in ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
          '--window-size=1100,900', '--disable-background-networking']:
    opts.add_argument(f)
opts.binary_location = '/usr/bin/chromium'
opts.add_experimental_option('prefs', {'download.default_directory': downloads,
                                       'download.prompt_for_download': False})
driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)
driver.set_page_load_timeout(60)
# a loaded machine renders late: look for an element for up to 15 s
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

def submit(by, what):
    """Click a control that submits a form, and wait for the next page:
    until the old page is gone and the new one has loaded (a click returns
    before the navigation it starts)."""
    old = driver.find_element(By.TAG_NAME, 'html')
    driver.find_element(by, what).click()
    WebDriverWait(driver, 30).until(gone(old))
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script('return document.readyState') == 'complete')


def sign_in(name):
    driver.get(B + '/login')
    driver.find_element(By.ID, 'name').send_keys(name)
    driver.find_element(By.ID, 'password').send_keys(f'{name}-pw-123456')
    submit(By.ID, 'signin')


def rate(fips):
    return driver.find_element(By.ID, f'rate-{fips}').text


def upload(path, name):
    driver.get(B + '/upload')
    # the browser sends the file under its own name: copy it there
    dst = os.path.join(TMP, name)
    with open(path, 'rb') as f, open(dst, 'wb') as g:
        g.write(f.read())
    driver.find_element(By.ID, 'file').send_keys(dst)
    submit(By.ID, 'check')


try:
    sign_in('pima')
    check('Pima' in driver.find_element(By.TAG_NAME, 'h1').text, 'the specialist sees Pima')
    before = rate('04019')
    check(before == '0.0%', f'no response yet: rate {before}')
    driver.save_screenshot(os.path.join(shots, 'web-dashboard-before.png'))

    # a bad file: every problem with line and column, nothing loadable
    bad = os.path.join(TMP, 'bad-pima.csv')
    with open(os.path.join(SRC, 'sample-data/2025/responses-pima.csv')) as f:
        lines = f.read().splitlines()
    header = lines[0].split(',')
    ci, cc = header.index('caseload'), header.index('confirmed')
    row = lines[3].split(',')
    row[cc] = str(int(row[ci]) + 5)            # line 4: confirmed > caseload
    lines[3] = ','.join(row)
    row = lines[6].split(',')
    row[ci] = 'many'                           # line 7: caseload not a number
    lines[6] = ','.join(row)
    open(bad, 'w').write('\n'.join(lines) + '\n')
    upload(bad, 'responses-pima.csv')
    cells = [[td.text for td in tr.find_elements(By.TAG_NAME, 'td')]
             for tr in driver.find_elements(By.CSS_SELECTOR, '#problems tr')[1:]]
    check(any(c[0] == '4' and c[1] == 'confirmed' for c in cells), f'line 4, column confirmed shown ({cells})')
    check(any(c[0] == '7' and c[1] == 'caseload' for c in cells), 'line 7, column caseload shown')
    check('many' not in driver.page_source, 'the bad value is not echoed')
    check(not driver.find_elements(By.ID, 'load'), 'no Load button for a bad file')
    driver.save_screenshot(os.path.join(shots, 'web-upload-errors.png'))

    # the corrected file: summary, Load, the rate changes
    upload(os.path.join(SRC, 'sample-data/2025/responses-pima.csv'), 'responses-pima.csv')
    check(driver.find_element(By.ID, 'sum-rows').text == '20', 'the summary shows 20 rows')
    submit(By.ID, 'load')
    check('Loaded 20 rows' in driver.find_element(By.ID, 'outcome').text, 'the file loads')
    submit(By.ID, 'to-dashboard')
    after = rate('04019')
    check(after != before and after.endswith('%'), f'the response rate changed: {before} -> {after}')
    driver.save_screenshot(os.path.join(shots, 'web-dashboard.png'))

    # downloads are not for specialists
    driver.get(B + '/download/report.html?year=2025')
    check('403' in driver.title, f'a specialist gets 403 for a download ({driver.title})')
    driver.get(B + '/')
    submit(By.CSS_SELECTOR, 'header button')
    check(driver.current_url.endswith('/login'), 'sign out leads to the sign-in page')
    driver.get(B + '/')
    check(driver.current_url.endswith('/login'), 'after sign-out the dashboard asks to sign in')

    # the analyst downloads the report and it opens
    sign_in('ana')
    driver.find_element(By.ID, 'dl-report').click()
    path = os.path.join(downloads, 'report-2025.html')
    for _ in range(200):
        if os.path.exists(path):
            break
        time.sleep(0.1)
    check(os.path.exists(path), 'report-2025.html downloaded')
    driver.get('file://' + path)
    check('Arizona' in driver.page_source and driver.find_elements(By.TAG_NAME, 'svg'),
          'the downloaded report opens with its figures')
finally:
    driver.quit()
    srv.stop()
done()
