; Small fixed blocksworld problem (generated once by a seeded generator).
(define (problem bw-6-2) (:domain blocksworld)
  (:objects b1 b2 b3 b4 b5 b6 - block)
  (:init (ontable b3) (on b6 b3) (on b1 b6) (clear b1) (ontable b4) (clear b4) (ontable b2) (on b5 b2) (clear b5) (handempty))
  (:goal (and (on b2 b1) (on b3 b5) (on b4 b6))))
