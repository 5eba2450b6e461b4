#!/usr/bin/env python3
# Generates apps/api/assets/common-passwords.txt: the most common passwords of 8+ characters,
# from the well-known public top lists (as remembered, nothing downloaded) and their usual shapes.
words = """password passw0rd p@ssword p@ssw0rd iloveyou sunshine princess football baseball basketball
welcome shadow superman batman trustno1 letmein monkey dragon master qwerty qwertyuiop asdfghjkl zxcvbnm
michael jennifer jordan hunter ranger buster soccer hockey harley killer george charlie andrew michelle
jessica pepper daniel thomas summer winter spring autumn flower freedom whatever computer internet
starwars mustang access secret login admin administrator welcome1 changeme default guest master123
abc123 zaq12wsx 1qaz2wsx qazwsx qazwsxedc 1q2w3e4r 1q2w3e4r5t 1q2w3e 123qwe qwe123 asd123 zxc123
chocolate butterfly cookie banana orange apple purple yellow silver golden diamond phoenix tigger
samsung iphone google yahoo hotmail facebook twitter minecraft pokemon naruto liverpool chelsea arsenal
manchester barcelona realmadrid juventus cowboys yankees steelers lakers matrix mercedes ferrari porsche
corvette jaguar scooter boomer bandit maggie ginger angel angels friends family lovely loveme lover
babygirl baby sweetie honey cutie kitty puppy doggie snoopy hello hello123 helloworld test tester testing
test123 testtest qwerty123 qwerty12 qwerty1 password1 password12 password123 password1234 passwords
letmein1 monkey123 dragon123 master1 shadow1 sunshine1 princess1 football1 baseball1 superman1 batman1
iloveyou1 iloveyou2 trustno1 whatever1 starwars1 computer1 welcome123 admin123 admin1234 root toor
linux ubuntu windows microsoft apple123 orange123 banana123 secret123 secret1 access14 mypassword
mypass mysecret nopassword passpass pass1234 pass123 pass12345 1password 123password password01
jesus christ heaven blessed faith grace hope forever nicole ashley amanda jasmine melissa stephanie
matthew joshua anthony william robert richard charles joseph christopher david james john mike
alexander natasha tatiana svetlana elena olga maria anna ivan dmitry sergey andrey alexey vladimir
marina irina kristina oksana natalia moscow russia ukraine kiev london paris berlin bucuresti romania
moldova chisinau parola parola123 parola1 iubire dragoste fotbal steaua dinamo qwertz qwertzu azerty
azertyuiop nikita maxim artem denis roman pavel egor kirill anastasia ekaterina yulia daria polina
sasha masha dasha katya lena vika nastya zvezda solnce lubov privet parol parol123 parolparol
spartak zenit dinamo cska lokomotiv""".split()
seeds = ["123456789","1234567890","12345678","87654321","11111111","22222222","33333333","44444444","55555555",
 "66666666","77777777","88888888","99999999","00000000","12341234","11223344","12344321","123123123","123321123",
 "1234qwer","qwer1234","asdf1234","1234asdf","zxcv1234","qwertyui","asdfghjk","1qazxsw2","q1w2e3r4","q1w2e3r4t5",
 "a1b2c3d4","abcd1234","1234abcd","abcdefgh","abcdefg1","aaaaaaaa","zzzzzzzz","qqqqqqqq","aa123456","a1234567",
 "a12345678","123456789a","123456aa","qwerty12345","1q2w3e4r5t6y","zaq1zaq1","zaq1xsw2","!qaz2wsx","1qaz!qaz",
 "987654321","9876543210","147258369","741852963","159753159","159357123","147852369","123654789","789456123",
 "456789123","135792468","246813579","01234567","012345678","0123456789","password!","p4ssw0rd","pa55word",
 "pa55w0rd","passw0rd!","letmein!","iloveyou!","qwerty!1","Qwerty123!","P@ssw0rd","P@ssword1","Password1!",
 "11111111a","qwertyuiop123","1q2w3e4r5t6y7u8i","qazwsxedcrfv","ytrewq123","ytrewqasdfgh","1234567a","12345qwert",
 "qwert12345","asdfasdf","qweqweqwe","asdasdasd","zxczxczxc","qweasdzxc","zxcvbnm123","qazxswedc","1q1q1q1q"]
out = []
seen = set()
def add(p):
    p = p.lower()
    if len(p) >= 8 and p not in seen:
        seen.add(p); out.append(p)
for s in seeds: add(s)
for n in range(8, 11):
    for d in "0123456789": add(d * n)
    add("".join(str(i % 10) for i in range(1, n + 1)))
    add("".join(str(i % 10) for i in range(n, 0, -1)))
suffixes = ["", "1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!", "01", "007", "69", "77", "88", "99",
            "11", "13", "21", "22", "23", "00", "2000", "@123", "#1", "_123", "321"]
suffixes += [str(y) for y in range(1960, 2031)]
for w in words:
    for s in suffixes:
        add(w + s)
        add(w.capitalize() + s)
    add(w + w)
for season in ["summer", "winter", "spring", "autumn", "fall", "january", "february", "march", "april", "may", "june",
               "july", "august", "september", "october", "november", "december"]:
    for y in range(2000, 2031):
        add(f"{season}{y}"); add(f"{season}{y}!"); add(f"{season}@{y}")
header = ("# The most common passwords of 8 or more characters, lower-cased, one per line: the well-known\n"
          "# public top lists and their usual shapes (a word with digits, a year or '!', keyboard walks,\n"
          "# repeated and sequential digits), in English, Romanian and Russian transliteration.\n"
          "# Generated; refused on setup, user create/update and password change (apps/api/src/auth/password.ts).\n")
import os
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "apps", "api", "assets", "common-passwords.txt"), "w").write(header + "\n".join(out) + "\n")
print(len(out))
